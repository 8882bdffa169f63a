package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"vorgang/core/script"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// AssetFinder answers the asset queries of scripts (assets.find).
type AssetFinder interface {
	FindAssets(ctx context.Context, q script.AssetQuery) ([]map[string]any, error)
}

// engineHost answers scripts' read-only queries from the store.
type engineHost struct{ e *Engine }

func (h engineHost) Ticket(ctx context.Context, number string) (*script.Ticket, error) {
	t, err := h.e.store.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return scriptTicket(t), nil
}

// FindTickets answers a query for the open tickets of one team, assignee
// or requester from the inbox index. Any other query reads the tickets
// collection with a filter, which the embedded store answers by decoding
// every ticket: fine for a nightly job, too slow for a hook on every
// create of a large desk (docs/lua.md says so).
func (h engineHost) FindTickets(ctx context.Context, q script.TicketQuery) ([]script.Ticket, error) {
	if rows, ok, err := h.fromInbox(ctx, q); ok {
		return rows, err
	}
	found, err := h.e.store.FindTickets(ctx, store.TicketFilter{
		Process: q.Process, State: q.State, Team: q.Team, Assignee: q.Assignee, Requester: q.Requester, Priority: q.Priority,
		Open: q.Open, UpdatedBefore: q.UpdatedBefore, UpdatedAfter: q.UpdatedAfter, Limit: q.Limit,
	})
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	out := make([]script.Ticket, len(found))
	for i := range found {
		out[i] = *scriptTicket(&found[i])
	}
	return out, nil
}

// fromInbox answers q from the inbox index when it asks for the open
// tickets of exactly one owner; ok is false otherwise.
func (h engineHost) fromInbox(ctx context.Context, q script.TicketQuery) (rows []script.Ticket, ok bool, err error) {
	owners := 0
	for _, v := range []string{q.Team, q.Assignee, q.Requester} {
		if v != "" {
			owners++
		}
	}
	if owners != 1 || q.Open == nil || !*q.Open || !q.UpdatedBefore.IsZero() || !q.UpdatedAfter.IsZero() {
		return nil, false, nil
	}
	iq := ticket.Query{Team: q.Team, Assignee: q.Assignee, Requester: q.Requester, Process: q.Process, Limit: q.Limit}
	if q.State != "" {
		iq.States = []string{q.State}
	}
	if q.Priority != "" {
		iq.Priorities = []string{q.Priority}
	}
	heads, _, err := h.e.store.Inbox(ctx, iq)
	if err != nil {
		return nil, true, fmt.Errorf("search tickets: %w", err)
	}
	for _, hd := range heads {
		updated, _ := time.Parse(time.RFC3339, hd.Updated)
		rows = append(rows, script.Ticket{Number: hd.Number, Process: hd.Process, Title: hd.Title, State: hd.State,
			Priority: hd.Priority, Team: hd.Team, Assignee: hd.Assignee, Requester: hd.Requester,
			Due: strings.TrimSpace(hd.Due), Updated: updated})
	}
	return rows, true, nil
}

func (h engineHost) FindAssets(ctx context.Context, q script.AssetQuery) ([]map[string]any, error) {
	if h.e.queries == nil {
		return nil, errors.New("assets are not available")
	}
	return h.e.queries.FindAssets(ctx, q)
}

// TicketFinder answers scripts' ticket queries that no index serves;
// *store.Store implements it.
type TicketFinder interface {
	FindTickets(ctx context.Context, f store.TicketFilter) ([]ticket.Ticket, error)
}
