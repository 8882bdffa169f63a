package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

func TestLeaseSequence(t *testing.T) {
	const ttl = 10 * time.Second
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		type step struct {
			name   string
			op     string // acquire, renew, release
			holder string
			want   bool // for acquire and renew
		}
		steps := []step{
			{"a acquires a free lease", "acquire", "a", true},
			{"b cannot acquire a held lease", "acquire", "b", false},
			{"a acquires again (extends)", "acquire", "a", true},
			{"b cannot renew a's lease", "renew", "b", false},
			{"a renews", "renew", "a", true},
			{"b's release does nothing", "release", "b", false},
			{"b still cannot acquire", "acquire", "b", false},
			{"a releases", "release", "a", false},
			{"a cannot renew a released lease", "renew", "a", false},
			{"b acquires the released lease", "acquire", "b", true},
			{"a cannot acquire", "acquire", "a", false},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				var (
					got bool
					err error
				)
				switch st.op {
				case "acquire":
					got, err = s.AcquireLease(ctx, "sweep", st.holder, ttl)
				case "renew":
					got, err = s.RenewLease(ctx, "sweep", st.holder, ttl)
				case "release":
					err = s.ReleaseLease(ctx, "sweep", st.holder)
				}
				if err != nil {
					t.Fatalf("%s by %s: %v", st.op, st.holder, err)
				}
				if got != st.want {
					t.Errorf("%s by %s = %v, want %v", st.op, st.holder, got, st.want)
				}
			})
		}
	})
}

func TestLeaseArguments(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	ctx := t.Context()
	tests := []struct {
		name, lease, holder string
		ttl                 time.Duration
	}{
		{"empty name", "", "a", time.Second},
		{"empty holder", "l", "", time.Second},
		{"zero ttl", "l", "a", 0},
		{"negative ttl", "l", "a", -time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.AcquireLease(ctx, tt.lease, tt.holder, tt.ttl); err == nil {
				t.Error("AcquireLease accepted it")
			}
			if _, err := s.RenewLease(ctx, tt.lease, tt.holder, tt.ttl); err == nil {
				t.Error("RenewLease accepted it")
			}
		})
	}
	if err := s.ReleaseLease(ctx, "l", ""); err == nil {
		t.Error("ReleaseLease accepted an empty holder")
	}
}

func TestLeaseExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if ok, err := s.AcquireLease(ctx, "job", "a", 100*time.Millisecond); err != nil || !ok {
			t.Fatalf("a: %v, %v", ok, err)
		}
		time.Sleep(150 * time.Millisecond)
		if ok, err := s.AcquireLease(ctx, "job", "b", time.Minute); err != nil || !ok {
			t.Fatalf("b taking over an expired lease: %v, %v", ok, err)
		}
		if ok, err := s.RenewLease(ctx, "job", "a", time.Minute); err != nil || ok {
			t.Errorf("a renewing after takeover: %v, %v; want false", ok, err)
		}
		if err := s.ReleaseLease(ctx, "job", "a"); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.RenewLease(ctx, "job", "b", time.Minute); err != nil || !ok {
			t.Errorf("b renewing after a's release attempt: %v, %v; want true", ok, err)
		}
	})
}

// leaseStores returns an embedded store and two more Stores on the same
// database, each with its own locks, as separate processes would have.
func leaseStores(t *testing.T) []*Store {
	owner := openEmbedded(t, lowerTempDir(t))
	return []*Store{owner, openURI(t, owner.embedded.uri, DefaultDatabase), openURI(t, owner.embedded.uri, DefaultDatabase)}
}

// TestLeaseContention has 8 contenders on three Stores race for fresh,
// released and expired leases: exactly one may win each race.
func TestLeaseContention(t *testing.T) {
	const contenders, rounds = 8, 5
	stores := leaseStores(t)
	ctx := t.Context()
	for round := range rounds {
		for _, state := range []string{"free", "released", "expired"} {
			name := fmt.Sprintf("race-%s-%d", state, round)
			switch state {
			case "released":
				mustAcquire(t, stores[0], name, "previous", time.Minute)
				if err := stores[0].ReleaseLease(ctx, name, "previous"); err != nil {
					t.Fatal(err)
				}
			case "expired":
				mustAcquire(t, stores[0], name, "previous", time.Millisecond)
				time.Sleep(5 * time.Millisecond)
			}

			var (
				winners atomic.Int32
				wg      sync.WaitGroup
				startCh = make(chan struct{})
			)
			for c := range contenders {
				s := stores[c%len(stores)]
				wg.Go(func() {
					<-startCh
					ok, err := s.AcquireLease(ctx, name, fmt.Sprintf("holder-%d", c), time.Minute)
					if err != nil {
						t.Error(err)
					}
					if ok {
						winners.Add(1)
					}
				})
			}
			close(startCh)
			wg.Wait()
			if got := winners.Load(); got != 1 {
				t.Errorf("%s: %d contenders acquired the lease, want exactly 1", name, got)
			}
		}
	}
}

// TestLeaseMutualExclusion has holders on three Stores take turns on one
// lease for a while; no two may ever hold it at the same time.
func TestLeaseMutualExclusion(t *testing.T) {
	const holders, attempts = 6, 30
	stores := leaseStores(t)
	ctx := t.Context()

	var (
		current  atomic.Value // holder name or ""
		acquired atomic.Int32
		wg       sync.WaitGroup
	)
	current.Store("")
	for h := range holders {
		s := stores[h%len(stores)]
		me := fmt.Sprintf("holder-%d", h)
		wg.Go(func() {
			for range attempts {
				ok, err := s.AcquireLease(ctx, "exclusive", me, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					time.Sleep(time.Millisecond)
					continue
				}
				acquired.Add(1)
				if !current.CompareAndSwap("", me) {
					t.Errorf("%s acquired the lease while %v held it", me, current.Load())
					return
				}
				time.Sleep(2 * time.Millisecond)
				if ok, err := s.RenewLease(ctx, "exclusive", me, time.Minute); err != nil || !ok {
					t.Errorf("%s could not renew its lease: %v, %v", me, ok, err)
				}
				current.Store("")
				if err := s.ReleaseLease(ctx, "exclusive", me); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if acquired.Load() < 2 {
		t.Errorf("the lease was acquired %d times, want it to change hands", acquired.Load())
	}
	t.Logf("acquired %d times", acquired.Load())
}

func TestLeaseOldRecordsAreDeleted(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	s.tuning.leaseGrace = 50 * time.Millisecond
	ctx := t.Context()
	const renewals = 12
	for range renewals {
		mustAcquire(t, s, "gc", "a", time.Millisecond)
		time.Sleep(20 * time.Millisecond)
	}
	n, err := s.DB().Collection(leasesCollection).CountDocuments(ctx, bson.D{{Key: "name", Value: "gc"}})
	if err != nil {
		t.Fatal(err)
	}
	if n < 1 || n >= renewals {
		t.Errorf("%d lease records left after %d claims, want old ones deleted and the newest kept", n, renewals)
	}
	// The lease still works after collection.
	mustAcquire(t, s, "gc", "b", time.Minute)
}

func mustAcquire(t *testing.T, s *Store, name, holder string, ttl time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if ok, err := s.AcquireLease(ctx, name, holder, ttl); err != nil || !ok {
		t.Fatalf("AcquireLease(%s, %s) = %v, %v", name, holder, ok, err)
	}
}
