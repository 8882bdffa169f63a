package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// reservedScope is the numbering scope of runReservingWriter.
const reservedScope = "RES/2026"

func reservedNumber(n int64) string { return fmt.Sprintf("RES-2026-%06d", n) }

// ticketUnused is the Unused check of the reserving writer: a number is
// unused while it has no ticket (nobody else could come back for it).
func ticketUnused(s *Store) Unused {
	return func(ctx context.Context, c NumberClaim) (bool, error) {
		_, err := s.Ticket(ctx, reservedNumber(c.N))
		if errors.Is(err, ErrNotFound) {
			return true, nil
		}
		return false, err
	}
}

// runReservingWriter creates tickets from 8 goroutines as the engine does:
// seven draw their numbers with ReserveNumber (the claim written with the
// ticket), one with ClaimNumber (the claim written at once), and now and
// then a create fails after its number was drawn and gives it back. It
// prints "ack NUMBER 1" after each acknowledged create, until it is
// killed.
func runReservingWriter(dir string) int {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		return 1
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "ready")
	out.Flush()
	unused := ticketUnused(s)
	fail := make(chan error, 8)
	for g := range 8 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(g)))
			for {
				var r Reserved
				var err error
				if g == 0 {
					r.Scope = reservedScope
					r.N, err = s.ClaimNumber(ctx, reservedScope, "", unused)
				} else {
					r, err = s.ReserveNumber(ctx, reservedScope, "", unused)
				}
				if err != nil {
					fail <- err
					return
				}
				if rng.IntN(10) == 0 {
					s.ReleaseNumber(reservedScope, r.N) // a create that failed
					continue
				}
				// The engine's work between drawing a number and storing
				// its ticket (uploads, the SLA clock), so that a kill
				// finds numbers under way.
				time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
				tk := newTicket(reservedNumber(r.N))
				if err := s.CreateTicketReserved(ctx, tk, &ticket.HistoryEntry{Actor: "writer", Type: "created"}, time.Now(), nil, r); err != nil {
					fail <- fmt.Errorf("create %s: %w", tk.Number, err)
					return
				}
				mu.Lock()
				fmt.Fprintf(out, "ack %s 1\n", tk.Number)
				out.Flush() // acknowledged means: printed after the store returned
				mu.Unlock()
			}
		}()
	}
	fmt.Fprintln(os.Stderr, "writer:", <-fail)
	return 1
}

// TestReservedNumbersUnderSIGKILL kills a writer whose creates write their
// number claims with the tickets (ReserveNumber) at random moments. After
// each restart every acknowledged create is there with its claim; at the
// end, creating as many tickets as numbers are missing fills every gap:
// the numbers are gap-free, and no create met a number taken before.
func TestReservedNumbersUnderSIGKILL(t *testing.T) {
	dir := t.TempDir()
	acked := map[string]int64{}
	rng := rand.New(rand.NewPCG(8, 8))
	const rounds = 12
	holes := 0
	for round := 0; round < rounds; round++ {
		killWriter(t, dir, "reserve", acked, rng, round)
		holes += verifyReserved(t, dir, acked, round)
	}

	ctx := t.Context()
	s, err := Open(ctx, Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	var last int64
	have := map[int64]bool{}
	for n := int64(1); n <= last+maxDeferred+1; n++ {
		if _, err := s.Ticket(ctx, reservedNumber(n)); err == nil {
			have[n], last = true, n
		} else if !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}
	missing := int(last) - len(have)
	t.Logf("%d rounds, %d creates acknowledged, %d numbers without a ticket found after the kills, %d tickets up to %d at the end: %d numbers to fill", rounds, len(acked), holes, len(have), last, missing)
	for range missing + 3 {
		r, err := s.ReserveNumber(ctx, reservedScope, "", ticketUnused(s))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTicketReserved(ctx, newTicket(reservedNumber(r.N)), &ticket.HistoryEntry{Actor: "test", Type: "created"}, time.Now(), nil, r); err != nil {
			t.Fatalf("create with number %d: %v", r.N, err)
		}
		have[r.N] = true
	}
	for n := int64(1); n <= int64(len(have)); n++ {
		if !have[n] {
			t.Errorf("number %d has no ticket: a gap (%d tickets)", n, len(have))
		}
	}
}

// verifyReserved checks that every acknowledged create is stored with its
// history and its number's claim. It returns how many numbers below the
// highest ticket have no ticket: those the kill left under way.
func verifyReserved(t *testing.T, dir string, acked map[string]int64, round int) int {
	t.Helper()
	ctx := t.Context()
	s := reopenAfterKill(t, dir, round)
	defer closeStore(t, s)
	for number := range acked {
		tk, err := s.Ticket(ctx, number)
		if err != nil {
			t.Fatalf("round %d: acknowledged ticket %s: %v", round, number, err)
		}
		if hist, err := s.History(ctx, tk); err != nil || len(hist) != 1 {
			t.Fatalf("round %d: ticket %s: history %v, %v", round, number, hist, err)
		}
		var n int64
		if _, err := fmt.Sscanf(number, "RES-2026-%d", &n); err != nil {
			t.Fatal(err)
		}
		var c NumberClaim
		if err := s.Get(ctx, counterClaimsCollection, claimID(reservedScope, n), &c); err != nil {
			t.Fatalf("round %d: claim of acknowledged %s: %v", round, number, err)
		}
	}
	var last int64
	stored := 0
	for n := int64(1); n <= last+maxDeferred+1; n++ {
		if _, err := s.Ticket(ctx, reservedNumber(n)); err == nil {
			stored, last = stored+1, n
		} else if !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
	}
	return int(last) - stored
}
