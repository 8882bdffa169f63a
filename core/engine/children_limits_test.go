package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// levelDesk has processes lvl0 … lvl4 whose on_create hook opens a child
// of the next level (lvl4 opens none), plus a process "self" whose
// on_create opens two children of its own kind, and "wide" whose
// on_create opens event-many children. extra is added to the process
// lvl1.
func levelDesk(extra string) []definition.File {
	var b strings.Builder
	proc := func(id, hook, more string) {
		fmt.Fprintf(&b, `apiVersion: vorgang/v1
kind: Process
id: %s
title: %s
form: notiz
audience: [staff]
team: it
numbering: {prefix: %s, reset: never}
states:
  - {id: offen, category: open}
  - {id: zu, category: closed}
transitions:
  - id: ableger
    from: [offen]
    to: offen
    actions:
      - create_child: {process: %s, data: {text: "{{text}}"}}
  - {id: schliessen, from: [offen], to: zu}
hooks: {on_create: %s}
%s---
`, id, id, strings.ToUpper(strings.ReplaceAll(id, "-", "")), id, hook, more)
	}
	for i := range 5 {
		more := ""
		if i == 1 {
			more = extra
		}
		proc(fmt.Sprintf("lvl%d", i), fmt.Sprintf("next-%d", i), more)
	}
	proc("self", "twins", "")
	proc("wide", "many", "")
	b.WriteString(`apiVersion: vorgang/v1
kind: Form
id: notiz
title: Notiz
fields:
  - {id: text, type: text, label: Text}
  - {id: n, type: number, label: Anzahl}
---
{apiVersion: vorgang/v1, kind: Team, id: it, title: IT}
`)
	files := []definition.File{{Path: "levels.yaml", Data: []byte(b.String())},
		{Path: "scripts/twins.lua", Data: []byte(`ticket.create_child("self", {data = {text = "a"}})
ticket.create_child("self", {data = {text = "b"}})`)},
		{Path: "scripts/many.lua", Data: []byte(`for i = 1, (ticket.data.n or 0) do ticket.create_child("lvl4", {data = {text = tostring(i)}}) end`)},
	}
	for i := range 5 {
		src := fmt.Sprintf(`ticket.create_child("lvl%d", {data = {text = ticket.data.text}})`, i+1)
		if i == 4 {
			src = `return true`
		}
		files = append(files, definition.File{Path: fmt.Sprintf("scripts/next-%d.lua", i), Data: []byte(src)})
	}
	return files
}

var staffer = &auth.Principal{User: "petra", Admin: true}

// drain runs the queued follow-up work until none is left, as the
// server's loop does.
func drain(t *testing.T, eng *engine.Engine) int {
	t.Helper()
	total := 0
	for range 50 {
		n, err := eng.RunEffects(t.Context())
		if err != nil {
			t.Logf("RunEffects: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	t.Fatal("follow-up work does not end")
	return total
}

func exists(t *testing.T, st *store.Store, number string) bool {
	t.Helper()
	_, err := st.Ticket(t.Context(), number)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func entries(t *testing.T, eng *engine.Engine, number, typ string) []ticket.HistoryEntry {
	t.Helper()
	_, hist, err := eng.History(t.Context(), staffer, number)
	if err != nil {
		t.Fatal(err)
	}
	var out []ticket.HistoryEntry
	for _, h := range hist {
		if h.Type == typ {
			out = append(out, h)
		}
	}
	return out
}

// A create hook that opens children of its own process: the request
// answers with its one ticket, each child is refused as it is about to
// ask for more of its kind, and nothing stays queued.
func TestSelfReplicatingChildrenAreStopped(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, levelDesk(""))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	root, err := f.eng.Create(ctx, staffer, engine.CreateRequest{Process: "self", Data: map[string]any{"text": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, f.eng)
	if exists(t, f.store, "SELF-000002") {
		t.Fatal("a child of its own kind was created")
	}
	failed := entries(t, f.eng, root.Number, engine.EntryChildFailed)
	if len(failed) != 2 {
		t.Fatalf("%d child_failed entries on the root, want 2", len(failed))
	}
}

// Children nest at most as deep as the creating process allows (default
// 3); a deeper one is refused as its creator's hook failure.
func TestChildDepthIsLimited(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra string
		// made is the levels that exist afterwards; refusedOn the level
		// whose history records the refused child.
		made      []int
		refusedOn int
	}{
		{"default depth 3", "", []int{0, 1, 2}, 2},
		{"declared depth 1 on lvl1", "children: {max_depth: 1}\n", []int{0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fixtureFor(t, levelDesk(tt.extra))
			if _, err := f.eng.Create(t.Context(), staffer, engine.CreateRequest{Process: "lvl0", Data: map[string]any{"text": "x"}}); err != nil {
				t.Fatal(err)
			}
			drain(t, f.eng)
			for i := range 5 {
				number := fmt.Sprintf("LVL%d-000001", i)
				if got, want := exists(t, f.store, number), slices.Contains(tt.made, i); got != want {
					t.Errorf("%s exists: %t, want %t", number, got, want)
				}
			}
			refused := entries(t, f.eng, fmt.Sprintf("LVL%d-000001", tt.refusedOn), engine.EntryChildFailed)
			if len(refused) != 1 {
				t.Fatalf("%d child_failed entries on lvl%d", len(refused), tt.refusedOn)
			}
		})
	}
	// A transition's create_child action below the limit is refused
	// with a 422-style error, not stored.
	t.Run("action", func(t *testing.T) {
		f := fixtureFor(t, levelDesk(""))
		if _, err := f.eng.Create(t.Context(), staffer, engine.CreateRequest{Process: "lvl4", Data: map[string]any{"text": "x"}}); err != nil {
			t.Fatal(err)
		}
		number := "LVL4-000001"
		for depth := 1; depth <= 3; depth++ {
			tk, err := f.eng.Transition(t.Context(), staffer, number, engine.TransitionRequest{Transition: "ableger"})
			if err != nil {
				t.Fatalf("depth %d: %v", depth, err)
			}
			if len(tk.Children) != 1 {
				t.Fatalf("depth %d: children %v", depth, tk.Children)
			}
			number = tk.Children[0]
		}
		_, err := f.eng.Transition(t.Context(), staffer, number, engine.TransitionRequest{Transition: "ableger"})
		if !errors.Is(err, fault.NotAllowedNow) {
			t.Fatalf("a child at depth 4: %v, want %v", err, fault.NotAllowedNow)
		}
	})
}

// One change opens at most max_per_change children (default 20).
func TestChildrenPerChangeAreLimited(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra string
		n     int
		err   error
	}{
		{"20 by default", "", 20, nil},
		{"21 are too many", "", 21, engine.ErrScript},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fixtureFor(t, levelDesk(tt.extra))
			root, err := f.eng.Create(t.Context(), staffer, engine.CreateRequest{Process: "wide", Data: map[string]any{"text": "x", "n": tt.n}})
			if !errors.Is(err, tt.err) {
				t.Fatalf("create: %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				if exists(t, f.store, "WIDE-000001") || exists(t, f.store, "LVL4-000001") {
					t.Fatal("the refused change stored tickets")
				}
				return
			}
			root, _ = f.store.Ticket(t.Context(), root.Number)
			if len(root.Children) != tt.n {
				t.Fatalf("%d children, want %d", len(root.Children), tt.n)
			}
		})
	}
}

// The request that creates a ticket makes that ticket's children at once,
// but not what the children ask for in turn: that is queued for the
// periodic run, so the request answers.
func TestGrandchildrenAreQueuedNotMadeInTheRequest(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, levelDesk(""))
	root, err := f.eng.Create(t.Context(), staffer, engine.CreateRequest{Process: "lvl0", Data: map[string]any{"text": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	root, _ = f.store.Ticket(t.Context(), root.Number)
	if len(root.Children) != 1 || !exists(t, f.store, "LVL1-000001") {
		t.Fatalf("the root's child was not made at once: %v", root.Children)
	}
	if exists(t, f.store, "LVL2-000001") {
		t.Fatal("the child's own child was made within the request")
	}
	if n := drain(t, f.eng); n == 0 || !exists(t, f.store, "LVL2-000001") {
		t.Fatalf("the queued grandchild was not made later (%d items)", n)
	}
}

// An administrator discards what a definition version queued: the work
// is not done, and later runs find none.
func TestDiscardEffectsOfAVersion(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, levelDesk(""))
	if _, err := f.eng.Create(t.Context(), staffer, engine.CreateRequest{Process: "lvl0", Data: map[string]any{"text": "x"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := engine.DiscardEffects(t.Context(), f.store, "00000000", clock); n != 0 || err != nil {
		t.Fatalf("discard of another version: %d, %v", n, err)
	}
	if _, err := engine.DiscardEffects(t.Context(), f.store, "abc", clock); !errors.Is(err, fault.Malformed) {
		t.Fatalf("discard with a short hash: %v", err)
	}
	cat, _ := testkit.Loader(t).Compile(levelDesk(""))
	n, err := engine.DiscardEffects(t.Context(), f.store, cat.Hash()[:12], clock)
	if err != nil || n != 1 {
		t.Fatalf("discarded %d, %v; want the one queued grandchild", n, err)
	}
	if n := drain(t, f.eng); n != 0 || exists(t, f.store, "LVL2-000001") {
		t.Fatalf("discarded work was done (%d items)", n)
	}
	failed, _, err := f.store.ListOutbox(t.Context(), store.OutboxQuery{State: store.OutboxFailed})
	if err != nil || len(failed) != 1 || !strings.Contains(failed[0].LastError, "discarded") {
		t.Fatalf("failed items %+v, %v", failed, err)
	}
}
