package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestIdempotentSequential(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		boom := errors.New("boom")
		var calls atomic.Int32
		ok := func(result string) func(context.Context) (string, error) {
			return func(context.Context) (string, error) { calls.Add(1); return result, nil }
		}
		fail := func(context.Context) (string, error) { calls.Add(1); return "", boom }

		steps := []struct {
			name       string
			key        string
			create     func(context.Context) (string, error)
			wantResult string
			wantReplay bool
			wantErr    error
			wantCalls  int32 // create calls so far
		}{
			{name: "first call runs create", key: "k1", create: ok("ticket-1"), wantResult: "ticket-1", wantCalls: 1},
			{name: "retry replays", key: "k1", create: ok("ticket-2"), wantResult: "ticket-1", wantReplay: true, wantCalls: 1},
			{name: "other key runs create", key: "k2", create: ok("ticket-3"), wantResult: "ticket-3", wantCalls: 2},
			{name: "failing create", key: "k3", create: fail, wantErr: boom, wantCalls: 3},
			{name: "retry after failure runs create", key: "k3", create: ok("ticket-4"), wantResult: "ticket-4", wantCalls: 4},
			{name: "and is then replayed", key: "k3", create: fail, wantResult: "ticket-4", wantReplay: true, wantCalls: 4},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				result, replay, err := s.Idempotent(ctx, st.key, st.create)
				if !errors.Is(err, st.wantErr) {
					t.Fatalf("error = %v, want %v", err, st.wantErr)
				}
				if result != st.wantResult || replay != st.wantReplay {
					t.Errorf("got (%q, replay %v), want (%q, replay %v)", result, replay, st.wantResult, st.wantReplay)
				}
				if got := calls.Load(); got != st.wantCalls {
					t.Errorf("create called %d times so far, want %d", got, st.wantCalls)
				}
			})
		}
		if _, _, err := s.Idempotent(ctx, "", ok("x")); err == nil {
			t.Error("empty key accepted")
		}
	})
}

func TestIdempotentConcurrent(t *testing.T) {
	const callers = 8
	forEachStore(t, func(t *testing.T, s *Store) {
		var (
			calls   atomic.Int32
			fresh   atomic.Int32
			results = make([]string, callers)
			wg      sync.WaitGroup
		)
		for i := range callers {
			wg.Go(func() {
				result, replay, err := s.Idempotent(t.Context(), "same-key", func(context.Context) (string, error) {
					n := calls.Add(1)
					time.Sleep(50 * time.Millisecond) // let the others pile up
					if n == 1 {
						return "winner", nil
					}
					return "second run", nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				if !replay {
					fresh.Add(1)
				}
				results[i] = result
			})
		}
		wg.Wait()
		if got := calls.Load(); got != 1 {
			t.Errorf("create ran %d times, want 1", got)
		}
		if got := fresh.Load(); got != 1 {
			t.Errorf("%d calls reported replay=false, want 1", got)
		}
		for i, r := range results {
			if r != "winner" {
				t.Errorf("caller %d got %q, want %q", i, r, "winner")
			}
		}
	})
}

func TestIdempotentPending(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	s.tuning.idempotentWait = 100 * time.Millisecond
	ctx := t.Context()

	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan string)
	go func() {
		result, _, err := s.Idempotent(ctx, "slow", func(context.Context) (string, error) {
			close(started)
			<-release
			return "slow result", nil
		})
		if err != nil {
			t.Error(err)
		}
		done <- result
	}()
	<-started

	_, _, err := s.Idempotent(ctx, "slow", func(context.Context) (string, error) {
		t.Error("create ran while another call held the key")
		return "", nil
	})
	if !errors.Is(err, ErrPending) {
		t.Errorf("error while the first call runs = %v, want ErrPending", err)
	}
	close(release)
	if got := <-done; got != "slow result" {
		t.Errorf("first call result = %q", got)
	}
	result, replay, err := s.Idempotent(ctx, "slow", nil)
	if err != nil || !replay || result != "slow result" {
		t.Errorf("after completion: (%q, %v, %v), want the first result replayed", result, replay, err)
	}
}

// TestIdempotentStaleClaim simulates a process that died while create ran.
func TestIdempotentStaleClaim(t *testing.T) {
	s := openEmbedded(t, t.TempDir())
	s.tuning.idempotentWait = 100 * time.Millisecond
	ctx := t.Context()
	dead := idemDoc{ID: "crashed", State: idemPending, Owner: "dead", StartedAt: time.Now().UTC().Add(-time.Hour), Version: 1}
	if err := s.Insert(ctx, idempotencyCollection, dead); err != nil {
		t.Fatal(err)
	}

	s.tuning.idempotentStale = 2 * time.Hour // not stale yet
	if _, _, err := s.Idempotent(ctx, "crashed", nil); !errors.Is(err, ErrPending) {
		t.Fatalf("error = %v, want ErrPending", err)
	}

	s.tuning.idempotentStale = time.Minute
	result, replay, err := s.Idempotent(ctx, "crashed", func(context.Context) (string, error) { return "redone", nil })
	if err != nil || replay || result != "redone" {
		t.Fatalf("stale claim: (%q, %v, %v), want create to run again", result, replay, err)
	}
	result, replay, err = s.Idempotent(ctx, "crashed", nil)
	if err != nil || !replay || result != "redone" {
		t.Errorf("after takeover: (%q, %v, %v), want replay of %q", result, replay, err, "redone")
	}
}
