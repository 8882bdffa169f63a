package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// TrackingStore finds a ticket by its citizen tracking token; *store.Store
// has it.
type TrackingStore interface {
	TicketByTracking(ctx context.Context, token string) (string, error)
}

// newTrackingToken returns a citizen's secret tracking token: 128 random
// bits in base32, 26 characters, safe in a URL path.
func newTrackingToken() string { return rand.Text() }

// wellFormedTracking rejects tokens that cannot be one of ours before any
// database access.
func wellFormedTracking(token string) bool {
	if len(token) != 26 {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// PublicEntry is one entry of the timeline a citizen sees: what happened and
// when, never who on the staff side did it, nor internal comments, nor
// changes of team, assignee or priority.
type PublicEntry struct {
	At time.Time
	// Kind is "created", "state" (the ticket moved to State), or "comment".
	Kind string
	// State is the state the ticket reached (created and state entries).
	State string
	// Text is a public comment, or the comment given with a transition.
	Text string
	// FromRequester is true for the citizen's own entries.
	FromRequester bool
	// Files are attachment ids the citizen sent with a reply.
	Files []string
}

// PublicView is everything the portal shows about one request.
type PublicView struct {
	Ticket  *ticket.Ticket
	Process *definition.Process
	// Data holds the fields the citizen may see, in the ticket's data
	// shape: those of the process's form not marked public: false, and
	// those of its transition forms marked public: true (what staff
	// entered for the requester, e.g. an appointment).
	Data map[string]any
	// Fields are the definitions of the keys of Data, in the order the
	// page shows them: the process's form first, then the transition
	// forms in the order of the transitions.
	Fields   []definition.Field
	Timeline []PublicEntry
}

// Tracked returns the request with the citizen tracking token and its
// public timeline. An unknown or malformed token is fault.NotFound; the token
// is the only key, so no other request is ever reachable from it.
func (e *Engine) Tracked(ctx context.Context, token string) (*PublicView, error) {
	t, err := e.trackedTicket(ctx, token)
	if err != nil {
		return nil, err
	}
	entries, err := e.store.History(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("engine: history of %s: %w", t.Number, err)
	}
	cat := e.CatalogFor(ctx, t)
	v := &PublicView{Ticket: t, Process: cat.Process(t.Process)}
	v.Fields, v.Data = publicData(cat, t)
	for _, h := range entries {
		if pe, ok := publicEntry(h); ok {
			v.Timeline = append(v.Timeline, pe)
		}
	}
	return v, nil
}

func (e *Engine) trackedTicket(ctx context.Context, token string) (*ticket.Ticket, error) {
	if !wellFormedTracking(token) {
		return nil, fmt.Errorf("tracking token: %w", fault.NotFound)
	}
	number, err := e.store.TicketByTracking(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("tracking token: %w", fault.NotFound)
	}
	if err != nil {
		return nil, err
	}
	t, err := e.store.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("tracking token: %w", fault.NotFound)
	}
	if err != nil {
		return nil, err
	}
	if t.Tracking != token {
		// The index and the document disagree (a token was replaced):
		// never show a request under a token it does not carry.
		return nil, fmt.Errorf("tracking token: %w", fault.NotFound)
	}
	return t, nil
}

// publicEntry maps a history entry to what the citizen may see of it.
func publicEntry(h ticket.HistoryEntry) (PublicEntry, bool) {
	fromCitizen := h.Actor == actorName(nil)
	e, err := h.Decode()
	if err != nil {
		// An entry the citizen's page cannot read is left out rather
		// than failing the whole page.
		return PublicEntry{}, false
	}
	switch x := e.(type) {
	case ticket.Created:
		return PublicEntry{At: h.At, Kind: "created", State: x.State, FromRequester: fromCitizen}, true
	case ticket.Transitioned:
		text := x.Comment
		if x.CommentInternal {
			text = ""
		}
		return PublicEntry{At: h.At, Kind: "state", State: x.To, Text: text, FromRequester: fromCitizen}, true
	case ticket.Commented:
		if x.Citizen {
			return PublicEntry{At: h.At, Kind: "comment", Text: x.Text, FromRequester: true, Files: x.Files}, true
		}
		if x.Internal {
			return PublicEntry{}, false
		}
		return PublicEntry{At: h.At, Kind: "comment", Text: x.Text, FromRequester: fromCitizen}, true
	}
	return PublicEntry{}, false
}

// publicData keeps the fields the citizen may see again, with their
// definitions: those of the process's form not marked public: false (the
// citizen filled them), and those of its transition forms marked
// public: true (staff filled them; without the mark they stay internal).
// A field id already shown is not shown twice.
func publicData(cat *definition.Catalog, t *ticket.Ticket) ([]definition.Field, map[string]any) {
	p := cat.Process(t.Process)
	if p == nil {
		return nil, nil
	}
	f := cat.Form(p.Form.Value)
	if f == nil {
		return nil, nil
	}
	var fields []definition.Field
	out := map[string]any{}
	seen := map[string]bool{}
	keep := func(fd definition.Field, public bool) {
		id := fd.ID.Value
		if seen[id] {
			return
		}
		seen[id] = true
		if !public {
			return
		}
		if v, ok := t.Data[id]; ok {
			out[id] = v
			fields = append(fields, fd)
		}
	}
	for _, fd := range f.AllFields() {
		keep(fd, fd.Public == nil || *fd.Public)
	}
	for _, tr := range p.Transitions {
		tf := cat.Form(tr.Form.Value)
		if tr.Form.IsZero() || tf == nil {
			continue
		}
		for _, fd := range tf.AllFields() {
			keep(fd, fd.Public != nil && *fd.Public)
		}
	}
	return fields, out
}

// CitizenReply adds the citizen's reply (text and/or attachment ids) to the
// request with the tracking token. Finished requests take no replies.
func (e *Engine) CitizenReply(ctx context.Context, token string, version int64, text string, files []string, lang string) (*ticket.Ticket, error) {
	return e.requesterReply(ctx, version, func() (*ticket.Ticket, error) { return e.trackedTicket(ctx, token) },
		actorName(nil), ticket.Commented{Text: text, Files: files, Citizen: true})
}

// requesterReply adds the requester's reply c to the ticket load returns,
// written by actor: the citizen's through the tracking page, anyone's by
// mail (see ReceiveMail). Finished requests take no replies. A reply that
// came as a mail is added once: when the ticket holds a comment with its
// Message-ID already, nothing changes.
func (e *Engine) requesterReply(ctx context.Context, version int64, load func() (*ticket.Ticket, error), actor string, c ticket.Commented) (*ticket.Ticket, error) {
	c.Text = strings.TrimSpace(c.Text)
	added := false
	t, err := e.change(ctx, version, load,
		func(t *ticket.Ticket) (*ticket.HistoryEntry, error) {
			added = false
			if p := e.catalog().Process(t.Process); p != nil {
				if s := p.State(t.State); s != nil && s.Final() {
					return nil, fmt.Errorf("reply to %s in state %s: %w", t.Number, t.State, fault.NotAllowedNow)
				}
			}
			if c.Text == "" && len(c.Files) == 0 {
				return nil, invalid("text", "required", "reply_required")
			}
			if len([]rune(c.Text)) > maxReplyLength {
				return nil, invalid("text", "too_long", "reply_too_long", "max", maxReplyLength)
			}
			if c.MessageID != "" {
				if seen, err := e.hasMessage(ctx, t, c.MessageID); err != nil || seen {
					return nil, err
				}
			}
			added = true
			return ticket.NewEntry(actor, c), nil
		})
	if err != nil || !added {
		return t, err
	}
	return e.afterRequesterReply(ctx, t), nil
}

// hasMessage reports whether t holds a comment that came as the mail id.
func (e *Engine) hasMessage(ctx context.Context, t *ticket.Ticket, id string) (bool, error) {
	entries, err := e.store.History(ctx, t)
	if err != nil {
		return false, fmt.Errorf("engine: history of %s: %w", t.Number, err)
	}
	for _, h := range entries {
		if h.Type != ticket.EntryComment && h.Type != ticket.EntryCitizenReply {
			continue
		}
		content, err := h.Decode()
		if c, ok := content.(ticket.Commented); err == nil && ok && c.MessageID == id {
			return true, nil
		}
	}
	return false, nil
}

// maxReplyLength bounds a citizen's reply, like a textarea field's default.
const maxReplyLength = 20000
