package engine

import (
	"context"
	"fmt"

	"vorgang/core/ticket"
)

// AuditStore is what Audit reads.
type AuditStore interface {
	Ticket(ctx context.Context, number string) (*ticket.Ticket, error)
	History(ctx context.Context, t *ticket.Ticket) ([]ticket.HistoryEntry, error)
	TicketNumbers(ctx context.Context, after string, limit int) ([]string, error)
	// Get reads one history entry by its _id (see store.HistoryID).
	Get(ctx context.Context, coll, id string, out any) error
}

// Audit verifies the history chains of the given tickets, or of every
// ticket when numbers is empty, calling report for each ticket with
// problems. It returns how many tickets it checked.
func Audit(ctx context.Context, st AuditStore, numbers []string, report func(number string, problems []VerifyProblem)) (int, error) {
	check := func(number string) error {
		t, err := st.Ticket(ctx, number)
		if err != nil {
			return fmt.Errorf("audit %s: %w", number, err)
		}
		entries, err := st.History(ctx, t)
		if err != nil {
			report(number, []VerifyProblem{{Seq: 0, Problem: err.Error()}})
			return nil
		}
		if p := VerifyHistory(t, entries); len(p) > 0 {
			report(number, p)
		}
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
