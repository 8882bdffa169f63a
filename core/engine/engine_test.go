package engine_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
)

// fixture is an engine over the shipped IT desk and a fresh embedded store.
type fixture struct {
	eng   *engine.Engine
	store *store.Store
}

var clock = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

func newFixture(t *testing.T) fixture {
	t.Helper()
	return fixtureFor(t, testkit.DeskFiles(t))
}

// fixtureFor is an engine over the given definitions and a fresh embedded
// store, with the clock fixed.
func fixtureFor(t *testing.T, files []definition.File) fixture {
	t.Helper()
	return fixtureWith(t, files, nil)
}

// fixtureWith is fixtureFor with a user directory.
func fixtureWith(t *testing.T, files []definition.File, users engine.Directory) fixture {
	t.Helper()
	cat := testkit.Compile(t, files)
	st := openStore(t)
	// The hooks' time limit is raised: these tests are about what the
	// engine does with a hook's result, and a loaded machine (the race
	// detector, other packages' tests) can take 100 ms for a short one.
	eng, err := engine.New(engine.Deps{Store: st, Users: users, Catalog: func() *definition.Catalog { return cat }, Now: func() time.Time { return clock },
		ScriptTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{eng: eng, store: st}
}

var (
	anna = &auth.Principal{User: "anna"} // a member of staff without roles
	ben  = &auth.Principal{User: "ben", Roles: []string{"it-agent"}, Teams: []string{"it-1st-level"},
		Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true, "ticket.comment_internal": true}}
	carla = &auth.Principal{User: "carla", Roles: []string{"it-specialist"}, Teams: []string{"it-2nd-level"},
		Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true}}
)

func incident(impact, urgency string) map[string]any {
	return map[string]any{"summary": "Drucker im Raum 204 druckt nicht", "category": "printer",
		"impact": impact, "urgency": urgency, "location": "rathaus"}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tests := []struct {
		name     string
		actor    *auth.Principal
		req      engine.CreateRequest
		wantErr  error
		number   string
		priority string
	}{
		{"priority from the matrix", anna, engine.CreateRequest{Process: "it-incident", Data: incident("many", "high")}, nil, "INC-2026-000001", "critical"},
		{"next number", anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")}, nil, "INC-2026-000002", "low"},
		{"invalid data", anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{"summary": "kurz"}}, fault.Invalid, "", ""},
		{"citizen may not open a staff process", nil, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")}, fault.Forbidden, "", ""},
		{"unknown process", anna, engine.CreateRequest{Process: "it-incidnet", Data: incident("single", "low")}, fault.NotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := f.eng.Create(ctx, tt.actor, tt.req)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if tk.Number != tt.number || tk.Priority != tt.priority || tk.State != "new" || tk.Team != "it-1st-level" || tk.Requester != "anna" || !tk.Open {
				t.Fatalf("ticket = %+v", tk)
			}
		})
	}
	var verr *fault.Error
	_, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{"summary": "kurz"}, Lang: "en"})
	if !errors.As(err, &verr) || len(verr.Fields) < 3 {
		t.Fatalf("validation error = %v", err)
	}
}

func TestCreateIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	req := engine.CreateRequest{Process: "it-incident", Data: incident("some", "medium"), IdempotencyKey: "form-7f3a"}
	first, err := f.eng.Create(ctx, anna, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.eng.Create(ctx, anna, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.Number != first.Number {
		t.Fatalf("retry created %s, first %s", again.Number, first.Number)
	}
	next, _ := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("some", "medium")})
	if next.Number != "INC-2026-000002" {
		t.Fatalf("the retry used up a number: next is %s", next.Number)
	}
}

// A retry of a create whose ticket is stored gets that ticket without the
// data being checked or the hooks run again: a hook that fails now (its
// time limit on a busy machine, a changed definition) does not turn an
// acknowledged create into an error.
func TestRetryOfAStoredCreateRunsNoHook(t *testing.T) {
	t.Parallel()
	files := testkit.DeskFiles(t)
	first := testkit.Compile(t, files)
	var failing []definition.File
	for _, f := range files {
		if strings.HasSuffix(f.Path, "it-route.lua") {
			f.Data = []byte("error(\"routing is down\")\n")
		}
		failing = append(failing, f)
	}
	second := testkit.Compile(t, failing)
	var current atomic.Pointer[definition.Catalog]
	current.Store(first)
	eng, err := engine.New(engine.Deps{Store: openStore(t), Catalog: current.Load, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	req := engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "form-9c1d"}
	created, err := eng.Create(ctx, anna, req)
	if err != nil {
		t.Fatal(err)
	}
	current.Store(second)
	again, err := eng.Create(ctx, anna, req)
	if err != nil || again.Number != created.Number {
		t.Fatalf("retry = %v, %v; want %s", again, err, created.Number)
	}
	other := req
	other.Data = incident("many", "high")
	if _, err := eng.Create(ctx, anna, other); !errors.Is(err, engine.ErrKeyReused) {
		t.Fatalf("another request under the key: %v, want ErrKeyReused", err)
	}
	fresh := req
	fresh.IdempotencyKey = "form-9c1e"
	if _, err := eng.Create(ctx, anna, fresh); err == nil {
		t.Fatal("a new create ran without its failing hook")
	}
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "high")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		actor   *auth.Principal
		req     engine.TransitionRequest
		wantErr error
		state   string
	}{
		{"requester may not start", anna, engine.TransitionRequest{Transition: "start"}, fault.Forbidden, "new"},
		{"unknown transition", ben, engine.TransitionRequest{Transition: "explode"}, fault.NotFound, "new"},
		{"not from this state", ben, engine.TransitionRequest{Transition: "close"}, fault.NotAllowedNow, "new"},
		{"stale version", ben, engine.TransitionRequest{Transition: "start", Version: 7}, fault.Conflict, "new"},
		{"agent starts", ben, engine.TransitionRequest{Transition: "start", Version: 1}, nil, "in_progress"},
		{"escalate needs a comment", ben, engine.TransitionRequest{Transition: "escalate"}, fault.Invalid, "in_progress"},
		{"escalate", ben, engine.TransitionRequest{Transition: "escalate", Comment: "Treiberproblem, bitte 2nd Level"}, nil, "second_level"},
		{"first level no longer sees it", ben, engine.TransitionRequest{Transition: "resolve"}, fault.NotFound, "second_level"},
		{"resolve needs its form", carla, engine.TransitionRequest{Transition: "resolve", Data: map[string]any{}}, fault.Invalid, "second_level"},
		{"specialist resolves", carla, engine.TransitionRequest{Transition: "resolve", Data: map[string]any{"solution": "Druckertreiber neu installiert", "cause": "software"}}, nil, "resolved"},
		{"requester closes", anna, engine.TransitionRequest{Transition: "close"}, nil, "closed"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := f.eng.Transition(ctx, s.actor, tk.Number, s.req)
			if !errors.Is(err, s.wantErr) {
				t.Fatalf("err = %v, want %v", err, s.wantErr)
			}
			cur, _ := f.store.Ticket(ctx, tk.Number)
			if cur.State != s.state {
				t.Fatalf("state = %s, want %s", cur.State, s.state)
			}
			if err == nil && got.Version != cur.Version {
				t.Fatalf("returned version %d, stored %d", got.Version, cur.Version)
			}
		})
	}
	final, _ := f.store.Ticket(ctx, tk.Number)
	if final.Open || final.Team != "it-2nd-level" || final.Data["solution"] != "Druckertreiber neu installiert" {
		t.Fatalf("final ticket = %+v", final)
	}
	_, hist, err := f.eng.History(ctx, anna, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 5 {
		t.Fatalf("history has %d entries, want 5 (created + 4 transitions)", len(hist))
	}
	if problems := engine.VerifyHistory(final, hist); len(problems) != 0 {
		t.Fatalf("history chain broken: %v", problems)
	}
}

// Two agents act on one ticket version at once: exactly one wins.
func TestConcurrentTransitionsOneWinner(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	for round := 0; round < 5; round++ {
		tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, conflicts := 0, 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start", Version: 1})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, fault.Conflict), errors.Is(err, fault.NotAllowedNow):
					conflicts++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || conflicts != 7 {
			t.Fatalf("round %d: %d wins, %d conflicts", round, wins, conflicts)
		}
		cur, _ := f.store.Ticket(ctx, tk.Number)
		if cur.Version != 2 {
			t.Fatalf("version %d after one transition", cur.Version)
		}
	}
}

func TestInternalCommentsAndTamperEvidence(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk, _ := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if _, err := f.eng.Comment(ctx, ben, tk.Number, 0, "Gerät ist älter als 6 Jahre, Austausch prüfen", true, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Comment(ctx, ben, tk.Number, 0, "Wir kümmern uns darum.", false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Comment(ctx, anna, tk.Number, 0, "intern?", true, "de"); !errors.Is(err, fault.Forbidden) {
		t.Fatalf("requester wrote an internal comment: %v", err)
	}
	_, forRequester, _ := f.eng.History(ctx, anna, tk.Number)
	_, forAgent, _ := f.eng.History(ctx, ben, tk.Number)
	if len(forRequester) != 2 || len(forAgent) != 3 {
		t.Fatalf("requester sees %d entries, agent %d; want 2 and 3", len(forRequester), len(forAgent))
	}
	cur, _ := f.store.Ticket(ctx, tk.Number)
	if p := engine.VerifyHistory(cur, forAgent); len(p) != 0 {
		t.Fatalf("fresh history does not verify: %v", p)
	}
	// Someone edits the stored comment behind vorgang's back.
	_, err := f.store.DB().Collection(store.HistoryCollection).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: store.HistoryID(tk.Number, 2)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "data.text", Value: "Alles in Ordnung."}}}})
	if err != nil {
		t.Fatal(err)
	}
	hist, _ := f.store.History(ctx, cur)
	if p := engine.VerifyHistory(cur, hist); len(p) != 1 || p[0].Seq != 2 {
		t.Fatalf("tampering not detected at entry 2: %v", p)
	}
}

// A create cut off by a crash after its number was noted is finished by
// the retry: same number, one ticket, no gap. A create still running
// makes the retry wait (fault.InProgress).
func TestIdempotentCreateAfterCrash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	if n, err := f.store.NextNumber(ctx, "it-incident/2026"); err != nil || n != 1 {
		t.Fatalf("number %d, %v", n, err)
	}
	cutOff := bson.M{"_id": "create/anna/k-crash", "number": "INC-2026-000001", "done": false,
		"started_at": time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "version": int64(2)}
	if err := f.store.Insert(ctx, "create_requests", cutOff); err != nil {
		t.Fatal(err)
	}
	tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "k-crash"})
	if err != nil || tk.Number != "INC-2026-000001" {
		t.Fatalf("retry after the crash: %v, %v", tk, err)
	}
	again, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "k-crash"})
	if err != nil || again.Number != tk.Number {
		t.Fatalf("second retry: %v, %v", again, err)
	}
	next, _ := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if next.Number != "INC-2026-000002" {
		t.Fatalf("next number %s: a gap or a duplicate", next.Number)
	}

	running := bson.M{"_id": "create/anna/k-running", "done": false, "started_at": time.Now().UTC(), "version": int64(1)}
	if err := f.store.Insert(ctx, "create_requests", running); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "k-running"}); !errors.Is(err, fault.InProgress) {
		t.Fatalf("retry of a running create: %v, want fault.InProgress", err)
	}
}

// Eight clients send one request with one key at once: one ticket.
func TestIdempotentCreateConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	numbers := make([]string, 8)
	for i := range numbers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for try := 0; try < 50; try++ {
				tk, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "same"})
				if errors.Is(err, fault.InProgress) {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				numbers[i] = tk.Number
				return
			}
		}(i)
	}
	wg.Wait()
	for _, n := range numbers {
		if n != "INC-2026-000001" {
			t.Fatalf("numbers %v: want one ticket", numbers)
		}
	}
}

// The notify action of a transition queues its notification before the
// change commits; a worker can tell committed changes from lost races.
func TestNotifyActionQueuesCommittedEffect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tk, _ := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if _, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	resolved, err := f.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "resolve",
		Data: map[string]any{"solution": "Papierstau beseitigt, Testdruck ok", "cause": "hardware"}})
	if err != nil {
		t.Fatal(err)
	}
	items, err := f.store.ClaimOutbox(ctx, "test", time.Now().Add(time.Minute), time.Minute, 10)
	// The acknowledgement of the create (event ticket.created) comes first.
	if err != nil || len(items) != 2 {
		t.Fatalf("outbox: %+v, %v", items, err)
	}
	if items[0].Payload["target"] == "it-incident-created" {
		items = items[1:]
	}
	if items[0].Payload["target"] != "it-incident-resolved" {
		t.Fatalf("queued %+v", items[0].Payload)
	}
	if ok, err := engine.EffectCommitted(ctx, f.store, &items[0]); err != nil || !ok {
		t.Fatalf("committed change not recognised: %v, %v", ok, err)
	}
	lost := items[0]
	lost.Payload = map[string]any{"ticket": resolved.Number, "seq": items[0].Payload["seq"], "hash": "0000", "target": "it-incident-resolved"}
	if ok, _ := engine.EffectCommitted(ctx, f.store, &lost); ok {
		t.Fatal("an effect of a change that lost its race was taken as committed")
	}
}
