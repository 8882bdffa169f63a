package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"vorgang/core/definition"
	"vorgang/core/store"
)

// StateCounter counts the open tickets per process and state.
type StateCounter interface {
	OpenByState(ctx context.Context) ([]store.StateCount, error)
}

// Stranded is a group of open tickets a change of the definitions leaves
// without a way on: their process or their state is gone, so no transition
// can run on them until the definitions give them one back.
type Stranded struct {
	Process string `json:"process"`
	State   string `json:"state"`
	Tickets int64  `json:"open_tickets"`
	// Change is the removal that strands them, with where it is.
	Change definition.Change `json:"change"`
}

func (s Stranded) String() string {
	return fmt.Sprintf("%s: %d open tickets of %s in state %s", s.Change, s.Tickets, s.Process, s.State)
}

// PlannedChange is a change of the definitions with the open tickets it
// touches: those in a changed or removed state, or of a changed or removed
// process (its transitions are what they run next).
type PlannedChange struct {
	definition.Change
	OpenTickets int64 `json:"open_tickets"`
	Strands     bool  `json:"strands"`
	// MigratedBy names the Migration of the new definitions that moves
	// the tickets of a removed state on, so they are not stranded.
	MigratedBy string `json:"migrated_by,omitempty"`
}

// DefinitionPlan is what serving new definitions instead of the current
// ones would change.
type DefinitionPlan struct {
	Changes  []PlannedChange `json:"changes"`
	Stranded []Stranded      `json:"stranded"`
}

// PlanDefinitions compares the definitions from with the definitions to
// and counts the open tickets each change touches. Tickets that from
// already stranded are left out: the change does not strand them.
func PlanDefinitions(ctx context.Context, counter StateCounter, from, to *definition.Catalog) (DefinitionPlan, error) {
	counts, err := counter.OpenByState(ctx)
	if err != nil {
		return DefinitionPlan{}, fmt.Errorf("plan definitions: %w", err)
	}
	inState := map[string]int64{}
	inProcess := map[string]int64{}
	for _, c := range counts {
		if p := from.Process(c.Process); p == nil || p.State(c.State) == nil {
			continue
		}
		inState[c.Process+"/"+c.State] += c.N
		inProcess[c.Process] += c.N
	}
	migrated := map[string]string{} // process/state → migration
	for _, m := range to.Migrations() {
		if !m.For(from.Hash()) {
			continue // written for another version: not applied
		}
		for _, s := range m.States {
			migrated[m.Process.Value+"/"+s.Key.Value] = m.ID.Value
		}
	}
	var plan DefinitionPlan
	for _, c := range definition.Diff(from, to) {
		pc := PlannedChange{Change: c}
		if c.Kind == "Process" {
			switch {
			case c.Part == "state":
				pc.OpenTickets = inState[c.ID+"/"+c.Item]
				if c.Op == definition.Removed && pc.OpenTickets > 0 {
					pc.MigratedBy = migrated[c.ID+"/"+c.Item]
					pc.Strands = pc.MigratedBy == ""
				}
			default:
				pc.OpenTickets = inProcess[c.ID]
				pc.Strands = c.Part == "" && c.Op == definition.Removed && pc.OpenTickets > 0
			}
		}
		plan.Changes = append(plan.Changes, pc)
		if !pc.Strands {
			continue
		}
		for _, sc := range counts {
			if sc.Process == c.ID && (c.Part == "" || sc.State == c.Item) && inState[sc.Process+"/"+sc.State] > 0 {
				plan.Stranded = append(plan.Stranded, Stranded{Process: sc.Process, State: sc.State, Tickets: sc.N, Change: c})
			}
		}
	}
	slices.SortFunc(plan.Stranded, func(a, b Stranded) int {
		return cmp.Or(cmp.Compare(a.Process, b.Process), cmp.Compare(a.State, b.State))
	})
	return plan, nil
}

// Strands answers which open tickets the change from the definitions from
// to the definitions to would strand (see PlanDefinitions).
func (e *Engine) Strands(ctx context.Context, from, to *definition.Catalog) ([]Stranded, error) {
	plan, err := PlanDefinitions(ctx, e.store, from, to)
	return plan.Stranded, err
}

// RefusedChange is a change of the definitions the server refused because
// it would strand open tickets, for the admin pages to name.
type RefusedChange struct {
	At       time.Time
	Catalog  string // the hash of the refused definitions
	Stranded []Stranded
}

// refusedChanges keeps the last refused change until definitions are
// served again.
type refusedChanges struct {
	mu   sync.Mutex
	last *RefusedChange
}

// NoteRefused records that the definitions with the hash catalog were
// refused for stranding open tickets.
func (e *Engine) NoteRefused(catalog string, stranded []Stranded) {
	e.refused.mu.Lock()
	defer e.refused.mu.Unlock()
	e.refused.last = &RefusedChange{At: e.now(), Catalog: catalog, Stranded: slices.Clone(stranded)}
}

// ClearRefused forgets a refused change: definitions were served since.
func (e *Engine) ClearRefused() {
	e.refused.mu.Lock()
	defer e.refused.mu.Unlock()
	e.refused.last = nil
}

// Refused returns the last refused change of the definitions, if the
// definitions in service have not changed since.
func (e *Engine) Refused() (RefusedChange, bool) {
	e.refused.mu.Lock()
	defer e.refused.mu.Unlock()
	if e.refused.last == nil {
		return RefusedChange{}, false
	}
	return *e.refused.last, true
}
