package engine

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/store"
	"vorgang/core/ticket"
)

// AuditStore is what Audit reads.
type AuditStore interface {
	Ticket(ctx context.Context, number string) (*ticket.Ticket, error)
	History(ctx context.Context, t *ticket.Ticket) ([]ticket.HistoryEntry, error)
	TicketNumbers(ctx context.Context, after string, limit int) ([]string, error)
	// Get reads one history entry by its _id (see store.HistoryID).
	Get(ctx context.Context, coll, id string, out any) error
	// Tombstone reads what a ticket deleted as a whole left.
	Tombstone(ctx context.Context, number string) (*store.Tombstone, error)
}

// Audit verifies the history chains of the given tickets, or of every
// ticket when numbers is empty, calling report for each ticket with
// problems. It returns how many tickets it checked.
//
// A ticket deleted as a whole by retention has no chain left: a named one
// passes when its tombstone (store.Tombstone) says so, and one whose
// deletion was cut off (its chain in part, its tombstone written) is
// reported as such, so that the next retention run completes it. A
// missing ticket without a tombstone is an error.
func Audit(ctx context.Context, st AuditStore, numbers []string, report func(number string, problems []VerifyProblem)) (int, error) {
	check := func(number string) error {
		t, err := st.Ticket(ctx, number)
		if errors.Is(err, store.ErrNotFound) {
			if _, terr := st.Tombstone(ctx, number); terr == nil {
				return nil // deleted, with its evidence
			}
		}
		if err != nil {
			return fmt.Errorf("audit %s: %w", number, err)
		}
		entries, err := st.History(ctx, t)
		var problems []VerifyProblem
		if err != nil {
			problems = []VerifyProblem{{Seq: 0, Problem: err.Error()}}
		} else {
			problems = VerifyHistory(t, entries)
		}
		if len(problems) == 0 {
			return nil
		}
		if tb, terr := st.Tombstone(ctx, number); terr == nil {
			problems = []VerifyProblem{{Seq: tb.Entries, Problem: fmt.Sprintf(
				"its deletion by retention rule '%s' was cut off; the next retention run completes it", tb.Rule)}}
		}
		report(number, problems)
		return nil
	}
	if len(numbers) > 0 {
		for _, n := range numbers {
			if err := check(n); err != nil {
				return 0, err
			}
		}
		return len(numbers), nil
	}
	checked, after := 0, ""
	for {
		page, err := st.TicketNumbers(ctx, after, 500)
		if err != nil {
			return checked, err
		}
		for _, n := range page {
			if err := check(n); err != nil {
				return checked, err
			}
			checked++
		}
		if len(page) < 500 {
			return checked, nil
		}
		after = page[len(page)-1]
	}
}
