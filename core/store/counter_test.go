package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func TestNextNumberSequence(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		steps := []struct {
			scope string
			want  int64
		}{
			{"it-incident/2026", 1},
			{"it-incident/2026", 2},
			{"hr-request/2026", 1},
			{"it-incident/2026", 3},
			{"it-incident/2027", 1},
			{"hr-request/2026", 2},
		}
		for _, st := range steps {
			got, err := s.NextNumber(ctx, st.scope)
			if err != nil {
				t.Fatalf("NextNumber(%q): %v", st.scope, err)
			}
			if got != st.want {
				t.Errorf("NextNumber(%q) = %d, want %d", st.scope, got, st.want)
			}
		}
		if _, err := s.NextNumber(ctx, ""); err == nil {
			t.Error("NextNumber with an empty scope succeeded")
		}
	})
}

func TestNextNumberSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	for i, want := range []int64{1, 2, 3} {
		s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.NextNumber(t.Context(), "scope")
		closeStore(t, s)
		if err != nil || got != want {
			t.Fatalf("start %d: NextNumber = %d, %v; want %d", i+1, got, err, want)
		}
	}
}

// TestNextNumberStaleHint: the hint document may lag behind the claims
// (a lost write, another process); numbers must continue after the last claim.
func TestNextNumberStaleHint(t *testing.T) {
	owner := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	for range 3 {
		if _, err := owner.NextNumber(ctx, "s"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := owner.DB().Collection(countersCollection).UpdateOne(ctx, byID("s"),
		bson.D{{Key: "$set", Value: bson.D{{Key: "last", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	fresh := openURI(t, owner.embedded.uri, DefaultDatabase) // empty cache
	if got, err := fresh.NextNumber(ctx, "s"); err != nil || got != 4 {
		t.Errorf("NextNumber with a stale hint = %d, %v; want 4", got, err)
	}
	if got, err := owner.NextNumber(ctx, "s"); err != nil || got != 5 {
		t.Errorf("NextNumber with a stale cache = %d, %v; want 5", got, err)
	}
}

// TestNextNumberConcurrent checks that numbers are gap-free and unique with
// goroutines of one Store and with several Stores sharing one database
// (stores with their own caches and locks, as several processes would be).
func TestNextNumberConcurrent(t *testing.T) {
	const goroutines = 8
	owner := openEmbedded(t, lowerTempDir(t))
	other1 := openURI(t, owner.embedded.uri, DefaultDatabase)
	other2 := openURI(t, owner.embedded.uri, DefaultDatabase)
	tests := []struct {
		name         string
		stores       []*Store
		perGoroutine int
	}{
		{"one store", []*Store{owner}, 50},
		{"three stores", []*Store{owner, other1, other2}, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scope := "concurrent/" + tt.name
			total := int64(goroutines * tt.perGoroutine)
			got := drawNumbers(t, tt.stores, scope, goroutines, tt.perGoroutine)
			seen := make(map[int64]bool, len(got))
			for _, n := range got {
				if seen[n] {
					t.Errorf("number %d handed out twice", n)
				}
				seen[n] = true
			}
			for n := int64(1); n <= total; n++ {
				if !seen[n] {
					t.Errorf("number %d never handed out", n)
				}
			}
			if int64(len(got)) != total {
				t.Errorf("%d numbers, want %d", len(got), total)
			}
		})
	}
}

func drawNumbers(t *testing.T, stores []*Store, scope string, goroutines, each int) []int64 {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var (
		mu  sync.Mutex
		all []int64
		wg  sync.WaitGroup
	)
	for g := range goroutines {
		s := stores[g%len(stores)]
		wg.Go(func() {
			for range each {
				n, err := s.NextNumber(ctx, scope)
				if err != nil {
					t.Error(err)
					cancel()
					return
				}
				mu.Lock()
				all = append(all, n)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return all
}

// TestClaimNumberReusesOrphans: numbers claimed by a process that died
// before using them are handed out again after a restart, first, so no
// number is lost; numbers the caller declares used are not.
func TestClaimNumberReusesOrphans(t *testing.T) {
	dir := lowerTempDir(t)
	first, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if n, err := first.ClaimNumber(t.Context(), "s", string(rune('a'+i)), nil); err != nil || n != int64(i+1) {
			t.Fatalf("claim %d = %d, %v", i+1, n, err)
		}
	}
	closeStore(t, first)

	s := openEmbedded(t, dir)
	var asked []string
	unused := func(_ context.Context, c NumberClaim) (bool, error) {
		asked = append(asked, c.Owner)
		return c.N == 2 || c.N == 4, nil
	}
	var got []int64
	for range 4 {
		n, err := s.ClaimNumber(t.Context(), "s", "new", unused)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if want := []int64{2, 4, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("numbers after the restart = %v, want %v", got, want)
	}
	// Each stale claim is asked about once when looking (newest first), and
	// an orphan again right before it is handed out.
	if want := []string{"e", "d", "c", "b", "a", "b", "d"}; !slices.Equal(asked, want) {
		t.Errorf("asked about the claims of %v, want %v", asked, want)
	}
	var c NumberClaim
	if err := s.Get(t.Context(), counterClaimsCollection, "s/2", &c); err != nil || c.Owner != "new" {
		t.Errorf("reused claim = %+v, %v; want it to name its new owner", c, err)
	}
}

// TestNextNumberAfterHintInterval: the hint is written only now and then;
// a restart continues after the last claim, not after the hint.
func TestNextNumberAfterHintInterval(t *testing.T) {
	dir := lowerTempDir(t)
	s, err := Open(t.Context(), Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for range hintEvery + 3 {
		if _, err := s.NextNumber(t.Context(), "s"); err != nil {
			t.Fatal(err)
		}
	}
	closeStore(t, s)
	s = openEmbedded(t, dir)
	if n, err := s.NextNumber(t.Context(), "s"); err != nil || n != hintEvery+4 {
		t.Errorf("after a restart NextNumber = %d, %v; want %d", n, err, hintEvery+4)
	}
}

// TestReleaseNumber: a number given back is handed out again — after the
// caller confirms it is still unused.
func TestReleaseNumber(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	ctx := t.Context()
	yes := func(context.Context, NumberClaim) (bool, error) { return true, nil }
	no := func(context.Context, NumberClaim) (bool, error) { return false, nil }
	for range 3 {
		if _, err := s.ClaimNumber(ctx, "s", "", yes); err != nil {
			t.Fatal(err)
		}
	}
	s.ReleaseNumber("s", 2)
	if n, err := s.ClaimNumber(ctx, "s", "", yes); err != nil || n != 2 {
		t.Errorf("after releasing 2: %d, %v", n, err)
	}
	s.ReleaseNumber("s", 3)
	if n, err := s.ClaimNumber(ctx, "s", "", no); err != nil || n != 4 {
		t.Errorf("after releasing 3, which turned out used: %d, %v; want 4", n, err)
	}
	// A look that fails (the disk is full) gives no answer: the number
	// stays given back, for the next create, instead of leaving a gap.
	s.ReleaseNumber("s", 4)
	failing := func(context.Context, NumberClaim) (bool, error) { return false, errors.New("disk full") }
	if n, err := s.ClaimNumber(ctx, "s", "", failing); err == nil {
		t.Errorf("with the look failing: %d, want an error", n)
	}
	if n, err := s.ClaimNumber(ctx, "s", "", yes); err != nil || n != 4 {
		t.Errorf("after a failed look at 4: %d, %v; want 4", n, err)
	}
	s.ReleaseNumber("unknown", 1) // a scope this store never numbered: ignored
	if n, err := s.NextNumber(ctx, "unknown"); err != nil || n != 1 {
		t.Errorf("unknown scope: %d, %v", n, err)
	}
}
