package script

import (
	"context"
	"reflect"
)

// fixtureHost answers the queries of scripts run by tests from the
// tickets and assets the test gave.
type fixtureHost struct {
	tickets []Ticket
	assets  []map[string]any
}

func (h *fixtureHost) Ticket(_ context.Context, number string) (*Ticket, error) {
	for i := range h.tickets {
		if h.tickets[i].Number == number {
			return &h.tickets[i], nil
		}
	}
	return nil, nil
}

func (h *fixtureHost) FindTickets(_ context.Context, q TicketQuery) ([]Ticket, error) {
	var out []Ticket
	for _, t := range h.tickets {
		match := func(want, got string) bool { return want == "" || want == got }
		if !match(q.Process, t.Process) || !match(q.State, t.State) || !match(q.Team, t.Team) ||
			!match(q.Assignee, t.Assignee) || !match(q.Requester, t.Requester) || !match(q.Priority, t.Priority) {
			continue
		}
		if !q.UpdatedBefore.IsZero() && !t.Updated.Before(q.UpdatedBefore) {
			continue
		}
		if !q.UpdatedAfter.IsZero() && !t.Updated.After(q.UpdatedAfter) {
			continue
		}
		out = append(out, t)
		if len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (h *fixtureHost) FindAssets(_ context.Context, q AssetQuery) ([]map[string]any, error) {
	var out []map[string]any
	for _, a := range h.assets {
		if a["class"] != q.Class || (q.Status != "" && a["status"] != q.Status) {
			continue
		}
		ok := true
		for k, v := range q.Fields {
			if !reflect.DeepEqual(a[k], v) {
				ok = false
			}
		}
		if ok {
			out = append(out, a)
		}
		if len(out) == q.Limit {
			break
		}
	}
	return out, nil
}
