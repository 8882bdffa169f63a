package ticket

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"
)

// The clock is stored as earlier versions stored it, and reads back from
// what the store decodes (whole numbers as int64) as well as from what
// SetSLAClock put into the ticket.
func TestSLAClockRoundTrip(t *testing.T) {
	started := time.Date(2026, 11, 27, 9, 0, 0, 123456789, time.UTC)
	c := &SLAClock{SLA: "it-standard", Calendar: "saxony", Priority: "high", WarnAt: 80, Started: started,
		State: "running", Since: started, Targets: []SLAGoal{
			{Name: "first_response", Spec: "1h", Total: 3600, Due: started.Add(time.Hour), WarnAt: started.Add(48 * time.Minute)},
			{Name: "resolution", Spec: "8h", Total: 28800, Elapsed: 60, Met: started, Warned: true, Breached: true},
		}}
	var tk Ticket
	tk.SetSLAClock(c)
	stored := tk.Ext[ExtSLA].(map[string]any)
	wantKeys := []string{"calendar", "priority", "since", "sla", "started", "state", "targets", "warn_at"}
	if got := sortedKeys(stored); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("stored keys = %v, want %v", got, wantKeys)
	}
	goal := stored["targets"].([]any)[1].(map[string]any)
	if got, want := sortedKeys(goal), []string{"breached", "elapsed_s", "met", "name", "spec", "total_s", "warned"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored goal keys = %v, want %v (unset times left out)", got, want)
	}

	want := *c
	want.Started = started.Truncate(time.Millisecond)
	want.Since = want.Started
	want.Targets = []SLAGoal{c.Targets[0], c.Targets[1]}
	want.Targets[0].Due = want.Targets[0].Due.Truncate(time.Millisecond)
	want.Targets[0].WarnAt = want.Targets[0].WarnAt.Truncate(time.Millisecond)
	want.Targets[1].Met = want.Started
	for name, ext := range map[string]map[string]any{"in memory": tk.Ext, "as decoded": {ExtSLA: decoded(stored)}} {
		got, err := (&Ticket{Ext: ext}).SLAClock()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("%s: clock = %+v\nwant %+v", name, got, &want)
		}
	}
	if got, err := (&Ticket{}).SLAClock(); got != nil || err != nil {
		t.Errorf("no clock: %v, %v", got, err)
	}
	if _, err := (&Ticket{Ext: map[string]any{ExtSLA: map[string]any{"started": "yesterday"}}}).SLAClock(); err == nil {
		t.Error("a clock with a text time read without error")
	}
}

// decoded is v as the store reads it back: whole numbers as int64.
func decoded(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = decoded(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = decoded(e)
		}
		return out
	case int:
		return int64(x)
	}
	return v
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
