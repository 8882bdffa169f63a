package engine

import (
	"fmt"
	"slices"

	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// Notification events, as the Notification schema names them.
const (
	EventTicketCreated      = "ticket.created"
	EventTicketTransitioned = "ticket.transitioned"
	EventTicketCommented    = "ticket.commented"
	EventRequesterReplied   = "ticket.requester_replied"
	EventTicketAssigned     = "ticket.assigned"
	EventTeamChanged        = "ticket.team_changed"
	EventApprovalRequested  = "approval.requested"
	EventApprovalDecided    = "approval.decided"
	EventSLAWarning         = "sla.warning"
	EventSLABreached        = "sla.breached"
)

// events returns the notification events a history entry of t is.
func events(t *ticket.Ticket, entry *ticket.HistoryEntry, content ticket.Entry) []string {
	var out []string
	switch entry.Type {
	case EntryCreated:
		out = append(out, EventTicketCreated)
	case EntryTransition:
		out = append(out, EventTicketTransitioned)
	case EntryComment, EntryCitizenReply:
		out = append(out, EventTicketCommented)
		if requesterReplied(t, entry, content) {
			out = append(out, EventRequesterReplied)
		}
	case EntryAssigned:
		out = append(out, EventTicketAssigned)
	case EntryApprovalRequested:
		out = append(out, EventApprovalRequested)
	case EntryApproved:
		out = append(out, EventApprovalDecided, EventTicketTransitioned)
	case EntryRejected:
		out = append(out, EventApprovalDecided)
	case EntrySLAWarning:
		out = append(out, EventSLAWarning)
	case EntrySLABreach:
		out = append(out, EventSLABreached)
	}
	changes := changesOf(content)
	if ch, ok := changes["assignee"]; ok && ch.New != "" && entry.Type != EntryAssigned {
		out = append(out, EventTicketAssigned)
	}
	if _, ok := changes["team"]; ok {
		out = append(out, EventTeamChanged)
	}
	return out
}

// requesterReplied reports whether entry is a reply of t's requester: a
// citizen's reply, or a public comment the requesting user wrote.
func requesterReplied(t *ticket.Ticket, entry *ticket.HistoryEntry, content ticket.Entry) bool {
	c, ok := content.(ticket.Commented)
	if !ok || c.Internal || c.ByScript {
		return false
	}
	return c.Citizen || (entry.Actor != "" && entry.Actor == t.Requester)
}

// changesOf returns what an entry records as changed, if anything.
func changesOf(e ticket.Entry) ticket.Changes {
	switch x := e.(type) {
	case ticket.Transitioned:
		return x.Changes
	case ticket.Decision:
		return x.Changes
	case ticket.SLAEvents:
		return x.Changes
	case ticket.ScriptRan:
		return x.Changes
	}
	return nil
}

// noticeOf is what a notification of event about entry may tell.
func noticeOf(event string, entry *ticket.HistoryEntry, content ticket.Entry) ticket.Notice {
	n := ticket.Notice{Event: event, Actor: entry.Actor}
	switch x := content.(type) {
	case ticket.Commented:
		n.Internal = x.Internal
		if !x.Internal {
			n.Comment = x.Text
		}
	case ticket.Transitioned:
		n.Transition = x.Transition
		if !x.CommentInternal {
			n.Comment = x.Comment
		}
	case ticket.Decision:
		n.Transition, n.Comment = x.Transition, x.Comment
	case ticket.ApprovalRequested:
		n.Transition = x.Transition
	case ticket.SLAEvents:
		n.SLA = x.Events
	}
	return n
}

// eventNotifications returns a notify effect for every Notification whose
// event the entry is, and a webhook effect for every Webhook that takes
// it, so mails and posts are queued with the change itself.
func (e *Engine) eventNotifications(t *ticket.Ticket, entry *ticket.HistoryEntry) []effect {
	content, err := entry.Decode()
	if err != nil {
		// The engine wrote the entry a moment ago: it decodes.
		panic(fmt.Sprintf("engine: %v", err))
	}
	evs := events(t, entry, content)
	if len(evs) == 0 {
		return nil
	}
	var out []effect
	for _, n := range e.catalog().Notifications() {
		if !slices.Contains(evs, n.Event) || !notificationApplies(n, t, content) {
			continue
		}
		out = append(out, effect{kind: EffectNotify, target: n.ID.Value, spec: noticeOf(n.Event, entry, content).Encode()})
	}
	return append(out, e.eventWebhooks(t, entry, content, evs)...)
}

func notificationApplies(n *definition.Notification, t *ticket.Ticket, content ticket.Entry) bool {
	if len(n.Processes) > 0 && !slices.Contains(definition.Refs(n.Processes), t.Process) {
		return false
	}
	if n.Event == EventTicketTransitioned && len(n.Transitions) > 0 {
		var tr string
		switch x := content.(type) {
		case ticket.Transitioned:
			tr = x.Transition
		case ticket.Decision:
			tr = x.Transition
		}
		if !slices.Contains(definition.Refs(n.Transitions), tr) {
			return false
		}
	}
	if n.Event == EventTicketCommented && n.PublicOnly {
		if c, ok := content.(ticket.Commented); ok && c.Internal {
			return false
		}
	}
	return true
}
