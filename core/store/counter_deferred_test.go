package store

import (
	"slices"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// createReserved draws a number with ReserveNumber and stores its ticket,
// as the engine's create does; it returns the number.
func createReserved(t *testing.T, s *Store) int64 {
	t.Helper()
	r, err := s.ReserveNumber(t.Context(), reservedScope, "", ticketUnused(s))
	if err != nil {
		t.Fatal(err)
	}
	storeReserved(t, s, r)
	return r.N
}

// storeReserved stores the ticket of a reserved number; a number handed out
// twice fails here, as its ticket exists.
func storeReserved(t *testing.T, s *Store, r Reserved) {
	t.Helper()
	tk := newTicket(reservedNumber(r.N))
	if err := s.CreateTicketReserved(t.Context(), tk, &ticket.HistoryEntry{Actor: "test", Type: "created"}, time.Now(), nil, r); err != nil {
		t.Fatalf("create with number %d: %v", r.N, err)
	}
}

// TestReservedNumbersLeftByACrash: numbers handed out by ReserveNumber
// whose creates never committed (the process died) have neither claim nor
// ticket, some below numbers that committed, some below the counter's
// hint. After the restart they are handed out again, smallest first,
// before any new number, and every number ends up on exactly one ticket.
func TestReservedNumbersLeftByACrash(t *testing.T) {
	dir := lowerTempDir(t)
	first, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	// 40 numbers handed out (the hint is written at 16 and 32); the creates
	// of five of them commit, the others are under way at the "crash".
	committed := []int64{3, 10, 20, 35, 36}
	for n := int64(1); n <= 40; n++ {
		r, err := first.ReserveNumber(t.Context(), reservedScope, "", ticketUnused(first))
		if err != nil || r.N != n || !r.deferred {
			t.Fatalf("reserve %d: %+v, %v", n, r, err)
		}
		if slices.Contains(committed, n) {
			storeReserved(t, first, r)
		}
	}
	closeStore(t, first) // what the process knew of the numbers under way is gone

	s := openEmbedded(t, dir)
	var got []int64
	for range 40 - len(committed) + 3 {
		got = append(got, createReserved(t, s))
	}
	var want []int64
	for n := int64(1); n <= 40; n++ {
		if !slices.Contains(committed, n) {
			want = append(want, n)
		}
	}
	slices.Sort(got[:len(want)])
	want = append(want, 41, 42, 43)
	if !slices.Equal(got, want) {
		t.Errorf("numbers after the restart = %v\nwant %v", got, want)
	}
	for n := int64(1); n <= 43; n++ {
		var c NumberClaim
		if err := s.Get(t.Context(), counterClaimsCollection, claimID(reservedScope, n), &c); err != nil {
			t.Errorf("claim of %d: %v", n, err)
		}
	}
}

// TestReservedNumbersBounded: with maxDeferred numbers under way, the next
// one is claimed at once, so a crash leaves at most maxDeferred missing
// claims in a row and a restart finds the claims after them, even when
// the counter's hint was not written (a failed hint write).
func TestReservedNumbersBounded(t *testing.T) {
	dir := lowerTempDir(t)
	first, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for n := int64(1); n <= maxDeferred; n++ {
		if r, err := first.ReserveNumber(t.Context(), reservedScope, "", ticketUnused(first)); err != nil || r.N != n || !r.deferred {
			t.Fatalf("reserve %d: %+v, %v", n, r, err)
		}
	}
	r, err := first.ReserveNumber(t.Context(), reservedScope, "", ticketUnused(first))
	if err != nil || r.N != maxDeferred+1 || r.deferred {
		t.Fatalf("reserve beyond the bound: %+v, %v; want %d claimed at once", r, err, maxDeferred+1)
	}
	var c NumberClaim
	if err := first.Get(t.Context(), counterClaimsCollection, claimID(reservedScope, r.N), &c); err != nil {
		t.Fatalf("claim of %d before its ticket: %v", r.N, err)
	}
	storeReserved(t, first, r)
	// A number given back counts as under way until it is handed out again.
	first.ReleaseNumber(reservedScope, 1)
	if n := createReserved(t, first); n != 1 {
		t.Errorf("after giving back 1: %d", n)
	}
	if _, err := first.db.Collection(countersCollection).DeleteOne(t.Context(), byID(reservedScope)); err != nil {
		t.Fatal(err)
	}
	closeStore(t, first)

	s := openEmbedded(t, dir)
	got := map[int64]bool{1: true, maxDeferred + 1: true}
	for range maxDeferred + 1 {
		n := createReserved(t, s)
		if got[n] {
			t.Fatalf("number %d handed out twice", n)
		}
		got[n] = true
	}
	for n := int64(1); n <= maxDeferred+2; n++ {
		if !got[n] {
			t.Errorf("number %d never handed out: a gap", n)
		}
	}
}
