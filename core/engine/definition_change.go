package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"

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
	Process string
	State   string
	Tickets int64
	// Change is the removal that strands them, with where it is.
	Change definition.Change
}

func (s Stranded) String() string {
	return fmt.Sprintf("%s: %d open tickets of %s in state %s", s.Change, s.Tickets, s.Process, s.State)
}

// Strands answers which open tickets the change from the definitions from
// to the definitions to would strand. Tickets that from already stranded
// are left out: the change does not strand them.
func (e *Engine) Strands(ctx context.Context, from, to *definition.Catalog) ([]Stranded, error) {
	counts, err := e.store.OpenByState(ctx)
	if err != nil {
		return nil, fmt.Errorf("stranded tickets: %w", err)
	}
	removals := map[string]definition.Change{}
	for _, c := range definition.Diff(from, to) {
		if c.Kind == "Process" && c.Op == definition.Removed && (c.Part == "" || c.Part == "state") {
			removals[c.ID+"/"+c.Item] = c
		}
	}
	var out []Stranded
	for _, c := range counts {
		if p := from.Process(c.Process); p == nil || p.State(c.State) == nil {
			continue
		}
		change, ok := removals[c.Process+"/"]
		if !ok {
			change, ok = removals[c.Process+"/"+c.State]
		}
		if ok {
			out = append(out, Stranded{Process: c.Process, State: c.State, Tickets: c.N, Change: change})
		}
	}
	slices.SortFunc(out, func(a, b Stranded) int {
		return cmp.Or(cmp.Compare(a.Process, b.Process), cmp.Compare(a.State, b.State))
	})
	return out, nil
}
