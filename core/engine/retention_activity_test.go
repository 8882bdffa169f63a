package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// activityDesk anonymises the street 10 days after creation and the
// requester 30 days after the last activity.
var activityDesk = strings.Replace(fmt.Sprintf(retentionDesk, "ruhe", "RR", "last_activity"),
	"retention:\n", "retention:\n  - {id: ort, after: 10d, from: created, anonymise: [street]}\n", 1) + retentionShared

// TestRetentionAnonymisingIsNoActivity: an anonymisation is not activity,
// so it does not move a last_activity rule's start: a ticket anonymised by
// one rule on day 11 is due for the next 30 days after its last real
// change (day 0), while one its citizen replied to after the
// anonymisation (day 20) is due 30 days after the reply.
func TestRetentionAnonymisingIsNoActivity(t *testing.T) {
	t.Parallel()
	cat := testkit.Compile(t, []definition.File{{Path: "processes/ruhe.yaml", Data: []byte(activityDesk)}})
	clk := testkit.NewClock(clock)
	st := openStore(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	quiet, err := eng.Create(ctx, nil, engine.CreateRequest{Process: "ruhe", Data: map[string]any{"street": "Markt 1", "email": "a@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	replied, err := eng.Create(ctx, nil, engine.CreateRequest{Process: "ruhe", Data: map[string]any{"street": "Markt 2", "email": "b@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	run := func(day int) map[string][]string {
		t.Helper()
		clk.Set(clock.Add(time.Duration(day) * 24 * time.Hour))
		rep, err := eng.EnforceRetention(ctx, engine.RetentionRun{})
		if err != nil || rep.Failed > 0 {
			t.Fatalf("day %d: %+v, %v", day, rep, err)
		}
		applied := map[string][]string{}
		for _, a := range rep.Actions {
			applied[a.Ticket] = append(applied[a.Ticket], a.Rule)
		}
		return applied
	}
	if got := run(11); !slices.Equal(got[quiet.Number], []string{"ort"}) || !slices.Equal(got[replied.Number], []string{"ort"}) {
		t.Fatalf("day 11: %v, want ort on both", got)
	}
	clk.Set(clock.Add(20 * 24 * time.Hour))
	if _, err := eng.CitizenReply(ctx, replied.Tracking, 0, "Noch nicht erledigt.", nil, "de"); err != nil {
		t.Fatal(err)
	}
	got := run(31)
	if !slices.Equal(got[quiet.Number], []string{"kontakt"}) {
		t.Errorf("day 31: %s had %v, want kontakt: no activity since day 0", quiet.Number, got[quiet.Number])
	}
	if len(got[replied.Number]) > 0 {
		t.Errorf("day 31: %s had %v, want nothing: its citizen replied on day 20", replied.Number, got[replied.Number])
	}
	if got := run(51); !slices.Equal(got[replied.Number], []string{"kontakt"}) {
		t.Errorf("day 51: %v, want kontakt on %s, 30 days after the reply", got, replied.Number)
	}
}
