package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Racing clients and rounds of the concurrency tests: every round starts
// raceClients requests at once. Twenty-five rounds of sixteen have found
// every collision these tests were written for in their first rounds;
// more only lengthen the slowest package of the suite.
const (
	raceClients = 16
	raceRounds  = 25
)

// race runs raceRounds rounds of raceClients concurrent calls of do and
// returns the statuses by round. prepare, if set, runs before each round.
func race(t *testing.T, prepare func(round int), do func(round, client int) int) [][]int {
	t.Helper()
	out := make([][]int, raceRounds)
	for r := range raceRounds {
		if prepare != nil {
			prepare(r)
		}
		out[r] = make([]int, raceClients)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for c := range raceClients {
			wg.Go(func() {
				<-start
				out[r][c] = do(r, c)
			})
		}
		close(start)
		wg.Wait()
	}
	return out
}

// TestConcurrentChangesAnswerCleanly: changes racing for one ticket end in
// success or a clean conflict, never in an internal error. The clock is
// fixed, so identical comments by one user are identical to the
// millisecond, which once made their queued mails collide.
func TestConcurrentChangesAnswerCleanly(t *testing.T) {
	fixed := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	env := newAPIEnvWith(t, apiOptions{now: func() time.Time { return fixed }})
	open := func(t *testing.T) (string, string) {
		t.Helper()
		status, created := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer})
		if status != http.StatusCreated {
			t.Fatal(created)
		}
		number := created["number"].(string)
		base := "/api/v1/tickets/" + number
		if status, b := env.call(t, "ben", "POST", base+"/transitions/start", map[string]any{}); status != http.StatusOK {
			t.Fatal(b)
		}
		return number, base
	}
	version := func(t *testing.T, base string) int64 {
		t.Helper()
		status, b := env.call(t, "ben", "GET", base, nil)
		if status != http.StatusOK {
			t.Fatal(b)
		}
		return int64(b["version"].(float64))
	}

	t.Run("identical comments without a version all land", func(t *testing.T) {
		_, base := open(t)
		before := version(t, base)
		rounds := race(t, nil, func(int, int) int {
			status, _ := env.call(t, "ben", "POST", base+"/comments", map[string]any{"text": "Wir kümmern uns darum."})
			return status
		})
		for r, statuses := range rounds {
			for _, s := range statuses {
				if s != http.StatusCreated {
					t.Fatalf("round %d: statuses %v, want all 201", r, statuses)
				}
			}
		}
		if got, want := version(t, base), before+raceClients*raceRounds; got != want {
			t.Errorf("version %d after the race, want %d: a comment was lost", got, want)
		}
	})

	t.Run("identical comments naming one version: one lands, the rest conflict", func(t *testing.T) {
		_, base := open(t)
		var v int64
		rounds := race(t, func(int) { v = version(t, base) }, func(int, int) int {
			status, _ := env.call(t, "ben", "POST", base+"/comments", map[string]any{"text": "Wir kümmern uns darum.", "version": v})
			return status
		})
		for r, statuses := range rounds {
			created := 0
			for _, s := range statuses {
				switch s {
				case http.StatusCreated:
					created++
				case http.StatusConflict:
				default:
					t.Fatalf("round %d: statuses %v, want 201 or 409", r, statuses)
				}
			}
			if created != 1 {
				t.Fatalf("round %d: %d comments of one version landed, want 1: %v", r, created, statuses)
			}
		}
	})

	t.Run("comments without a version do not conflict with transitions", func(t *testing.T) {
		_, base := open(t)
		rounds := race(t, nil, func(round, client int) int {
			if client%2 == 0 {
				status, _ := env.call(t, "ben", "POST", base+"/comments", map[string]any{"text": fmt.Sprintf("Stand %d/%d", round, client)})
				return status
			}
			// Half of the clients move the ticket back and forth.
			path := base + "/transitions/ask_requester"
			if client%4 == 3 {
				path = base + "/transitions/reply"
			}
			status, _ := env.call(t, "ben", "POST", path, map[string]any{"comment": "Rückfrage"})
			return status
		})
		for r, statuses := range rounds {
			for c, s := range statuses {
				switch {
				case c%2 == 0 && s != http.StatusCreated:
					t.Fatalf("round %d: a comment answered %d, want 201: %v", r, s, statuses)
				case c%2 == 1 && s != http.StatusOK && s != http.StatusConflict && s != http.StatusUnprocessableEntity:
					t.Fatalf("round %d: a transition answered %d, want 200, 409 or 422: %v", r, s, statuses)
				}
			}
		}
	})
}
