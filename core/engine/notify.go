package engine

import (
	"slices"

	"vorgang/core/definition"
	"vorgang/core/store"
)

// Notification events, as the Notification schema names them.
const (
	EventTicketCreated      = "ticket.created"
	EventTicketTransitioned = "ticket.transitioned"
	EventTicketCommented    = "ticket.commented"
	EventTicketAssigned     = "ticket.assigned"
	EventTeamChanged        = "ticket.team_changed"
	EventApprovalRequested  = "approval.requested"
	EventApprovalDecided    = "approval.decided"
	EventSLAWarning         = "sla.warning"
	EventSLABreached        = "sla.breached"
)

// events returns the notification events a history entry is.
func events(entry *store.HistoryEntry) []string {
	var out []string
	switch entry.Type {
	case EntryCreated:
		out = append(out, EventTicketCreated)
	case EntryTransition:
		out = append(out, EventTicketTransitioned)
	case EntryComment:
		out = append(out, EventTicketCommented)
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
	changes, _ := entry.Data["changes"].(map[string]any)
	if ch, ok := changes["assignee"].(map[string]any); ok && ch["new"] != "" && entry.Type != EntryAssigned {
		out = append(out, EventTicketAssigned)
	}
	if _, ok := changes["team"]; ok {
		out = append(out, EventTeamChanged)
	}
	return out
}

// eventNotifications returns a notify effect for every Notification whose
// event the entry is, so the mails are queued with the change itself.
func (e *Engine) eventNotifications(t *store.Ticket, entry *store.HistoryEntry) []effect {
	evs := events(entry)
	if len(evs) == 0 {
		return nil
	}
	var out []effect
	for _, n := range e.catalog().Notifications() {
		if !slices.Contains(evs, n.Event) || !notificationApplies(n, t, entry) {
			continue
		}
		spec := map[string]any{"event": n.Event, "actor": entry.Actor}
		if entry.Type == EntryComment {
			internal, _ := entry.Data["internal"].(bool)
			spec["internal"] = internal
			if !internal {
				spec["comment"] = entry.Data["text"]
			}
		}
		if tr, ok := entry.Data["transition"].(string); ok {
			spec["transition"] = tr
		}
		if c, ok := entry.Data["comment"].(string); ok && entry.Type != EntryComment && !commentIsInternal(*entry) {
			spec["comment"] = c
		}
		if evs, ok := entry.Data["events"]; ok {
			spec["sla"] = evs
		}
		out = append(out, effect{kind: EffectNotify, target: n.ID.Value, spec: spec})
	}
	return out
}

func notificationApplies(n *definition.Notification, t *store.Ticket, entry *store.HistoryEntry) bool {
	if len(n.Processes) > 0 && !slices.Contains(definition.Refs(n.Processes), t.Process) {
		return false
	}
	if n.Event == EventTicketTransitioned && len(n.Transitions) > 0 {
		tr, _ := entry.Data["transition"].(string)
		if !slices.Contains(definition.Refs(n.Transitions), tr) {
			return false
		}
	}
	if n.Event == EventTicketCommented && n.PublicOnly {
		if internal, _ := entry.Data["internal"].(bool); internal {
			return false
		}
	}
	return true
}
