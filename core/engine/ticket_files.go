package engine

import (
	"context"
	"fmt"
	"io"
	"slices"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// MayDownload reports whether the viewer may download the attachment id
// through this ticket: only a file the ticket's data or a history entry
// the viewer reads refers to, so an upload id alone opens nothing.
func (v *TicketView) MayDownload(id string) bool {
	if id == "" {
		return false
	}
	if refersTo(v.Ticket.Data, id) {
		return true
	}
	for _, h := range v.History {
		if refersTo(h.Data, id) {
			return true
		}
	}
	return false
}

// TicketFile writes the attachment id to w when actor may download it
// through the ticket with the number (see TicketView.MayDownload), and
// returns its record (name and content type). A file the ticket does not
// refer to is not found, like a ticket the actor may not see.
func (e *Engine) TicketFile(ctx context.Context, actor *auth.Principal, number, id string, w io.Writer) (*store.Attachment, error) {
	v, err := e.View(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if !v.MayDownload(id) {
		return nil, fmt.Errorf("ticket %s does not refer to %s: %w", number, id, fault.NotFound)
	}
	return e.readAttachment(ctx, id, w)
}

// readAttachment writes a stored attachment to w.
func (e *Engine) readAttachment(ctx context.Context, id string, w io.Writer) (*store.Attachment, error) {
	a, err := e.store.Attachment(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("engine: attachment %s: %w", id, err)
	}
	if err := e.store.WriteAttachment(ctx, a, w); err != nil {
		return nil, fmt.Errorf("engine: read attachment %s: %w", id, err)
	}
	return a, nil
}

// refersTo reports whether the string id is a value anywhere in v (ticket
// or entry data, as written or as the store reads it).
func refersTo(v any, id string) bool {
	switch x := v.(type) {
	case string:
		return x == id
	case map[string]any:
		for _, e := range x {
			if refersTo(e, id) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if refersTo(e, id) {
				return true
			}
		}
	case []string:
		for _, e := range x {
			if e == id {
				return true
			}
		}
	case []map[string]any:
		for _, e := range x {
			if refersTo(e, id) {
				return true
			}
		}
	}
	return false
}

// MayDownload reports whether the citizen may download the attachment id
// through the request: only a file of its public data or one the citizen
// sent with a reply.
func (v *PublicView) MayDownload(id string) bool {
	if id == "" {
		return false
	}
	if refersTo(v.Data, id) {
		return true
	}
	for _, e := range v.Timeline {
		if slices.Contains(e.Files, id) {
			return true
		}
	}
	return false
}

// TrackedFile writes the attachment id to w when the request with the
// tracking token refers to it (see PublicView.MayDownload), and returns its
// record.
func (e *Engine) TrackedFile(ctx context.Context, token, id string, w io.Writer) (*store.Attachment, error) {
	v, err := e.Tracked(ctx, token)
	if err != nil {
		return nil, err
	}
	if !v.MayDownload(id) {
		return nil, fmt.Errorf("request %s does not show %s: %w", v.Ticket.Number, id, fault.NotFound)
	}
	return e.readAttachment(ctx, id, w)
}
