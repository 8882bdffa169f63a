package store

import (
	"context"
	"fmt"
	"strings"
)

// queryShape is one query the store issues against a collection that
// grows with use. Every shape must be served by an index on both backends.
type queryShape struct {
	name string
	// keys are the fields the query filters on by equality, then the
	// range or sort field, in index order (MongoDB's equality-sort-range).
	keys []string
	// sql builds the embedded store's SQL for the shape with sample values.
	sql func(ctx context.Context, s *Store) (string, []any, error)
}

var queryShapes = []queryShape{
	{name: "inbox.team", keys: []string{"open", "team", "due"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "team", "t", InboxQuery{States: []string{"new"}, After: NoDue + "|X"}, 51)
	}},
	{name: "inbox.team.closed.text", keys: []string{"open", "team", "due"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "team", "t", InboxQuery{Closed: true, Text: "drucker"}, 51)
	}},
	{name: "inbox.assignee", keys: []string{"open", "assignee", "due"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "assignee", "u", InboxQuery{Priorities: []string{"high"}}, 51)
	}},
	{name: "inbox.requester", keys: []string{"open", "requester", "due"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "requester", "r", InboxQuery{Process: "p"}, 51)
	}},
	{name: "due_before", keys: []string{"open", "due"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.dueBeforeSQL(ctx, NoDue, NoDue+"|X", 50)
	}},
	{name: "counts", keys: []string{"open", "team", "state", "priority"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		q, err := s.countsSQL(ctx)
		return q, nil, err
	}},
	{name: "ticket.numbers", keys: []string{"_id"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		table, err := s.sql.table(ctx, TicketsCollection)
		return fmt.Sprintf("SELECT %[1]s FROM %[2]q WHERE %[1]s > ? ORDER BY %[1]s LIMIT 10", field("_id"), table), []any{`"x"`}, err
	}},
	{name: "outbox.due", keys: []string{"state", "next_at"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.dueOutboxSQL(ctx, NoDue, 10, []string{"mail"})
	}},
	{name: "outbox.list", keys: []string{"state", "next_at"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.listOutboxQuerySQL(ctx, OutboxQuery{State: OutboxFailed, Kind: "mail", After: NoDue + "|X"}, 51)
	}},
	{name: "ticket.by_tracking", keys: []string{"tracking"}, sql: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.byTrackingSQL(ctx, "token")
	}},
}

// verifyPlans checks with EXPLAIN that SQLite answers every query shape
// from an index. A full scan here would mean FerretDB's storage layout
// changed under us: fail at start-up rather than get slow silently.
func (s *Store) verifyPlans(ctx context.Context) error {
	for _, shape := range queryShapes {
		q, args, err := shape.sql(ctx, s)
		if err != nil {
			return fmt.Errorf("store: build query %s: %w", shape.name, err)
		}
		plan, err := s.sql.explain(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: explain query %s: %w", shape.name, err)
		}
		if !planUsesIndex(plan) {
			return fmt.Errorf("store: query %s would scan its collection on the embedded store (plan: %s); is FerretDB still v1.24?", shape.name, strings.ReplaceAll(plan, "\n", "; "))
		}
	}
	return nil
}

// planUsesIndex reports whether every table access of a plan searches an
// index rather than scanning the table.
func planUsesIndex(plan string) bool {
	for _, step := range strings.Split(plan, "\n") {
		if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "USING COVERING INDEX") && !strings.Contains(step, "USING INDEX") {
			return false
		}
	}
	return strings.Contains(plan, "USING INDEX") || strings.Contains(plan, "USING COVERING INDEX")
}
