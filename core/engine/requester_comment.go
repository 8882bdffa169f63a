package engine

import (
	"slices"

	"vorgang/core/definition"
)

// TellsRequester reports whether running tr on a ticket of p notifies the
// requester: by a notify action of the transition, or by a notification
// of every such transition (event ticket.transitioned).
func TellsRequester(cat *definition.Catalog, p *definition.Process, tr *definition.Transition) bool {
	toRequester := func(n *definition.Notification) bool {
		return n != nil && slices.Contains(definition.Refs(n.Recipients), "requester")
	}
	for _, a := range tr.Actions {
		if !a.Notify.IsZero() && toRequester(cat.Notification(a.Notify.Value)) {
			return true
		}
	}
	for _, n := range cat.Notifications() {
		if n.Event != EventTicketTransitioned || !toRequester(n) {
			continue
		}
		if len(n.Processes) > 0 && !slices.Contains(definition.Refs(n.Processes), p.ID.Value) {
			continue
		}
		if len(n.Transitions) > 0 && !slices.Contains(definition.Refs(n.Transitions), tr.ID.Value) {
			continue
		}
		return true
	}
	return false
}

// CommentForRequester reports whether tr's comment is the message to the
// requester: the transition asks for a comment and tells the requester
// (a question to the citizen, an answer). Such a comment cannot be kept
// among staff: the requester would be told of a message they cannot read.
func CommentForRequester(cat *definition.Catalog, p *definition.Process, tr *definition.Transition) bool {
	return tr.Comment == "required" && TellsRequester(cat, p, tr)
}
