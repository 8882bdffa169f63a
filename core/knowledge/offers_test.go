package knowledge_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
)

// TestOfferings: an offering counts each article as shown once however
// often the list is refreshed; a request sent with its id counts the
// articles as submitted, once; an offering not sent within OfferWindow
// counts as left when CloseOffers runs, in the month it was shown, and is
// deleted; unknown and malformed ids are ignored.
func TestOfferings(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)
	clock := testkit.NewClock(start)
	s := newService(t, clock.Now)
	a, _ := s.Create(ctx, writerIT, content("Sperrmüll", knowledge.Public, ""), "de")
	b, err := s.Create(ctx, writerIT, content("Abfall", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}

	// Anna types: three refreshes, one offering.
	anna, err := s.Offer(ctx, "", []string{a.Number})
	if err != nil || len(anna) != 32 {
		t.Fatalf("first offering: %q %v", anna, err)
	}
	for _, list := range [][]string{{a.Number}, {a.Number, b.Number}, {b.Number}} {
		id, err := s.Offer(ctx, anna, list)
		if err != nil || id != anna {
			t.Fatalf("refresh gave %q %v, want the same offering", id, err)
		}
	}
	// Ben is offered a and leaves; an empty list starts nothing.
	ben, _ := s.Offer(ctx, "", []string{a.Number})
	if id, _ := s.Offer(ctx, "", nil); id != "" {
		t.Errorf("an offering without articles: %q", id)
	}
	// A guessed or foreign-looking id starts an offering of its own.
	if id, _ := s.Offer(ctx, "00000000000000000000000000000000", []string{b.Number}); id == "00000000000000000000000000000000" {
		t.Errorf("an unknown id was taken on")
	}

	// Anna sends her request after midnight, twice (a double click); garbage ids do nothing.
	clock.Advance(90 * time.Minute)
	for _, id := range []string{anna, anna, "nonsense", "", "ffffffffffffffffffffffffffffffff"} {
		if err := s.OfferSubmitted(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]knowledge.Counts{a.Number: {Shown: 2, Submitted: 1}, b.Number: {Shown: 2, Submitted: 1}}
	for n, w := range want {
		if st, _ := s.Stats(ctx, n); st.Counts != w {
			t.Errorf("%s before closing: %+v, want %+v", n, st.Counts, w)
		}
	}

	// Within the window nothing closes.
	clock.Set(start.Add(knowledge.OfferWindow - time.Minute))
	if n, err := s.CloseOffers(ctx, clock.Now()); err != nil || n != 0 {
		t.Fatalf("closed %d %v within the window", n, err)
	}
	// A request sent after the window does not count.
	clock.Advance(2 * time.Minute)
	if err := s.OfferSubmitted(ctx, ben); err != nil {
		t.Fatal(err)
	}
	n, err := s.CloseOffers(ctx, clock.Now())
	if err != nil || n != 3 {
		t.Fatalf("closed %d %v, want 3 offerings", n, err)
	}
	want = map[string]knowledge.Counts{a.Number: {Shown: 2, Submitted: 1, Left: 1}, b.Number: {Shown: 2, Submitted: 1, Left: 1}}
	for nr, w := range want {
		st, _ := s.Stats(ctx, nr)
		if st.Counts != w {
			t.Errorf("%s after closing: %+v, want %+v", nr, st.Counts, w)
		}
		// Shown and left in March, the send in April (UTC).
		months := st.PerMonth()
		if len(months) != 2 || months[0].Month != "2026-04" || months[1].Month != "2026-03" ||
			months[1].Left != 1 || months[1].Shown != 2 || months[0].Submitted != 1 {
			t.Errorf("%s per month: %+v", nr, months)
		}
	}
	// Closed offerings are gone: a second run finds nothing, their ids
	// start new ones.
	if n, _ := s.CloseOffers(ctx, clock.Now()); n != 0 {
		t.Errorf("second run closed %d", n)
	}
	if id, _ := s.Offer(ctx, anna, []string{a.Number}); id == anna {
		t.Errorf("a closed offering was taken on")
	}
}

// TestOfferingsConcurrent: refreshes and sends of one form racing each
// other count an article once as shown and once as submitted.
func TestOfferingsConcurrent(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	a, err := s.Create(ctx, writerIT, content("Sperrmüll", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Create(ctx, writerIT, content("Abfall", knowledge.Public, ""), "de")
	id, err := s.Offer(ctx, "", []string{a.Number})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := s.Offer(ctx, id, []string{a.Number, b.Number}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for range 8 {
		wg.Go(func() {
			if err := s.OfferSubmitted(ctx, id); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, n := range []string{a.Number, b.Number} {
		if st, _ := s.Stats(ctx, n); st.Counts != (knowledge.Counts{Shown: 1, Submitted: 1}) {
			t.Errorf("%s: %+v, want shown and submitted once", n, st.Counts)
		}
	}
}
