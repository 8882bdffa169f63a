package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// TestCreatesWithCompanions: a document stored with a new ticket is
// stored with it, also when concurrent creates share one transaction; a
// companion whose _id exists fails its create with ErrDuplicate and leaves
// no ticket, and the creates beside it are stored.
func TestCreatesWithCompanions(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		companion := func(i int) Companion {
			return Companion{Collection: counterClaimsCollection, Doc: NumberClaim{ID: claimID("companions", int64(i)), Scope: "companions", N: int64(i), Owner: fmt.Sprintf("key-%d", i)}}
		}
		taken := companion(3)
		if err := s.Insert(ctx, taken.Collection, taken.Doc); err != nil {
			t.Fatal(err)
		}
		const n = 12
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				tk := newTicket(fmt.Sprintf("INC-2026-%06d", i+1))
				errs[i] = s.CreateTicketReserved(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created"}, time.Now(), nil, Reserved{}, companion(i))
			})
		}
		wg.Wait()
		for i := range n {
			number := fmt.Sprintf("INC-2026-%06d", i+1)
			_, terr := s.Ticket(ctx, number)
			var c NumberClaim
			cerr := s.Get(ctx, counterClaimsCollection, claimID("companions", int64(i)), &c)
			if i == 3 {
				if !errors.Is(errs[i], ErrDuplicate) {
					t.Errorf("create %s beside an existing companion: %v, want ErrDuplicate", number, errs[i])
				}
				if !errors.Is(terr, ErrNotFound) {
					t.Errorf("ticket %s of the failed create: %v, want ErrNotFound", number, terr)
				}
				continue
			}
			if errs[i] != nil || terr != nil {
				t.Errorf("create %s: %v, read: %v", number, errs[i], terr)
			}
			if cerr != nil || c.Owner != fmt.Sprintf("key-%d", i) {
				t.Errorf("companion of %s = %+v, %v; want it stored", number, c, cerr)
			}
		}
	})
}
