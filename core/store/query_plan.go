package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vorgang/core/ticket"
)

// shapeSQL builds, for each query shape the embedded store answers through
// SQL, its query with sample values, so verifyPlans can EXPLAIN it.
var shapeSQL = map[string]func(ctx context.Context, s *Store) (string, []any, error){
	shapeInboxTeam: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "team", "t", ticket.Query{States: []string{"new"}, After: ticket.NoDue + "|X"}, 51)
	},
	shapeInboxTeamClosedText: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "team", "t", ticket.Query{Closed: true, Text: "drucker"}, 51)
	},
	shapeInboxAssignee: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "assignee", "u", ticket.Query{Priorities: []string{"high"}}, 51)
	},
	shapeInboxRequester: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.inboxQuerySQL(ctx, "requester", "r", ticket.Query{Process: "p"}, 51)
	},
	shapeDueBefore: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.dueBeforeSQL(ctx, ticket.NoDue, ticket.NoDue+"|X", 50)
	},
	shapeOpenOfProcess: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.openOfProcessSQL(ctx, "p", "a", "b")
	},
	shapeTicketNumbers: func(ctx context.Context, s *Store) (string, []any, error) {
		table, err := s.sql.table(ctx, TicketsCollection)
		return fmt.Sprintf("SELECT %[1]s FROM %[2]q WHERE %[1]s > ? ORDER BY %[1]s LIMIT 10", field("_id"), table), []any{`"x"`}, err
	},
	shapeChangedSince: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.changedSinceQuerySQL(ctx, time.Unix(0, 0), TicketStamp{Number: "X", Updated: time.Unix(1, 0)}, 100)
	},
	shapeCreatedBetween: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.ticketsBetweenQuerySQL(ctx, TicketCreated, time.Unix(0, 0), time.Unix(2, 0), TicketCursor{Number: "X", At: time.Unix(1, 0)}, 500)
	},
	shapeClosedBetween: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.ticketsBetweenQuerySQL(ctx, TicketClosed, time.Unix(0, 0), time.Unix(2, 0), TicketCursor{Number: "X", At: time.Unix(1, 0)}, 500)
	},
	shapeTicketTexts: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.ticketTextsQuerySQL(ctx, "X", 100)
	},
	shapeHistoryTexts: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.historyTextsQuerySQL(ctx, "A", "B")
	},
	shapeOutboxDue: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.dueOutboxSQL(ctx, ticket.NoDue, 10, []string{"mail"})
	},
	shapeOutboxList: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.listOutboxQuerySQL(ctx, OutboxQuery{State: OutboxFailed, Kind: "mail", After: ticket.NoDue + "|X"}, 51)
	},
	shapeOutboxCounts: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.outboxCountsSQL(ctx)
	},
	shapeOutboxBefore: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.outboxBeforeSQL(ctx, "webhook/w/INC-1/", "webhook/w/INC-1/000000000002")
	},
	shapeTicketsByNumber: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.ticketsByNumberSQL(ctx, []string{"A", "B"})
	},
	shapeHistoryByID: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.historyByIDSQL(ctx, []string{"A", "B"})
	},
	shapeAttachmentRange: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.idRangeSQL(ctx, AttachmentsCollection, "kbfile-", "kbfile-2", "kbfile-1", 500)
	},
	shapeChunkRange: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.idRangeSQL(ctx, AttachmentChunksCollection, "kbfile-", "kbfile-2", "", 1000)
	},
	shapeByTracking: func(ctx context.Context, s *Store) (string, []any, error) {
		return s.byTrackingSQL(ctx, "token")
	},
}

// verifyPlans checks with EXPLAIN that SQLite answers every registered
// query shape from an index (but those declared to scan or to be answered
// from memory). A full scan here would mean FerretDB's storage layout
// changed under us, a shape without SQL that a package declared the store
// cannot answer: fail at start-up rather than get slow silently.
func (s *Store) verifyPlans(ctx context.Context) error {
	for _, c := range s.schema {
		for _, shape := range c.Shapes {
			if err := s.verifyPlan(ctx, c.Name, shape); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) verifyPlan(ctx context.Context, coll string, shape QueryShape) error {
	if shape.Scans || shape.InMemory {
		return nil
	}
	if keys, ok := groupedShapes[shape.Name]; ok {
		table, err := s.sql.table(ctx, TicketsCollection)
		if err != nil {
			return err
		}
		queries := (groupWalk{table: table, keys: keys}).queries()
		for _, q := range queries {
			if err := s.verifyQuery(ctx, coll, shape, q.sql, q.args...); err != nil {
				return err
			}
		}
		// The count must be an index search on every key, or it reads the
		// group's documents.
		count := queries[len(queries)-1]
		plan, err := s.sql.explain(ctx, count.sql, count.args...)
		if err != nil {
			return fmt.Errorf("store: explain query %s: %w", shape.Name, err)
		}
		if strings.Count(plan, "<expr>=?") != len(keys)+1 {
			return fmt.Errorf("store: query %s would read documents to count on the embedded store (plan: %s); is FerretDB still v1.24?", shape.Name, strings.ReplaceAll(plan, "\n", "; "))
		}
		return nil
	}
	build, ok := shapeSQL[shape.Name]
	if shape.UpTo && len(shape.Keys) == 1 {
		build, ok = func(ctx context.Context, s *Store) (string, []any, error) {
			return s.upToSQL(ctx, coll, shape.Keys[0], ticket.NoDue, 100)
		}, true
	}
	if !ok {
		return fmt.Errorf("store: query %s on %s has no SQL on the embedded store", shape.Name, coll)
	}
	q, args, err := build(ctx, s)
	if err != nil {
		return fmt.Errorf("store: build query %s: %w", shape.Name, err)
	}
	return s.verifyQuery(ctx, coll, shape, q, args...)
}

// groupedShapes are the counts answered by a walk of their index
// (openGroupsSQL), with the keys they group by; each query of the walk is
// checked.
var groupedShapes = map[string][]string{
	shapeCounts:        {"team", "state", "priority"},
	shapeOpenByState:   {"process", "state"},
	shapeOpenByCatalog: {"catalog"},
}

func (s *Store) verifyQuery(ctx context.Context, coll string, shape QueryShape, q string, args ...any) error {
	plan, err := s.sql.explain(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: explain query %s: %w", shape.Name, err)
	}
	if !planUsesIndex(plan) {
		return fmt.Errorf("store: query %s would scan its collection on the embedded store (plan: %s); is FerretDB still v1.24?", shape.Name, strings.ReplaceAll(plan, "\n", "; "))
	}
	if !shape.SortsFound && strings.Contains(plan, "TEMP B-TREE") {
		return fmt.Errorf("store: query %s would sort what its index finds on the embedded store (plan: %s); its index must end with its sort keys", shape.Name, strings.ReplaceAll(plan, "\n", "; "))
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
