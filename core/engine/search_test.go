package engine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/search"
)

const searchDesk = `apiVersion: vorgang/v1
kind: Process
id: strom
title: Stromausfall
form: meldung
audience: [staff]
team: team-a
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt}
---
apiVersion: vorgang/v1
kind: Process
id: wasser
title: Wasserschaden
form: meldung
audience: [staff]
team: team-b
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt}
---
apiVersion: vorgang/v1
kind: Form
id: meldung
title: Meldung
fields:
  - {id: summary, type: text, label: Betreff, required: true}
  - {id: details, type: textarea, label: Beschreibung}
---
{apiVersion: vorgang/v1, kind: Team, id: team-a, title: Team A}
---
{apiVersion: vorgang/v1, kind: Team, id: team-b, title: Team B}
`

// searchFixture is an engine whose searches go to an index in memory fed
// by the store, as core/app wires it.
type searchFixture struct {
	fixture
	feeder *search.Feeder
}

func newSearchFixture(t *testing.T) searchFixture {
	t.Helper()
	cat := testkit.Compile(t, []definition.File{{Path: "search.yaml", Data: []byte(searchDesk)}})
	st := openStore(t)
	idx, err := search.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	feeder, err := search.NewFeeder(search.FeedConfig{Index: idx, Source: st, Logger: testkit.Quiet})
	if err != nil {
		t.Fatal(err)
	}
	st.OnTicketChange(feeder.Watch)
	eng, err := engine.New(engine.Deps{Store: st, Searcher: idx, Catalog: func() *definition.Catalog { return cat }, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return searchFixture{fixture: fixture{eng: eng, store: st}, feeder: feeder}
}

// A member of staff finds the tickets they may see and nothing else: not
// another team's tickets, not internal comments without
// ticket.comment_internal, neither on the page, in the total nor in a
// snippet.
func TestSearchPermissions(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := t.Context()
	team := func(user, team string, internal bool) *auth.Principal {
		p := &auth.Principal{User: user, Teams: []string{team}, Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true}}
		p.Permissions["ticket.comment_internal"] = internal
		return p
	}
	alex, ana := team("alex", "team-a", true), team("ana", "team-a", false)
	bea := team("bea", "team-b", true)
	boss := &auth.Principal{User: "boss", Permissions: map[string]bool{"ticket.read_all": true}}
	nobody := &auth.Principal{User: "nobody", Teams: []string{"team-a"}} // in the team, without ticket.read_team

	strom, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "strom", Data: map[string]any{"summary": "Stromausfall im Keller", "details": "Seit heute früh"}})
	if err != nil {
		t.Fatal(err)
	}
	wasser, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "wasser", Data: map[string]any{"summary": "Wasserschaden im Keller"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who      *auth.Principal
		number   string
		text     string
		internal bool
	}{
		{alex, strom.Number, "Sicherung getauscht", false},
		{alex, strom.Number, "Hausmeister Krause fragen, Schlüssel im Tresor", true},
		{bea, wasser.Number, "Krause hat den Generalschlüssel", true},
	} {
		if _, err := f.eng.Comment(ctx, c.who, c.number, 0, c.text, c.internal, "de"); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.feeder.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		actor *auth.Principal
		req   engine.SearchRequest
		want  []string
	}{
		{"team A finds its ticket only", alex, engine.SearchRequest{Text: "Keller"}, []string{strom.Number}},
		{"team B finds its ticket only", bea, engine.SearchRequest{Text: "Keller"}, []string{wasser.Number}},
		{"team A's internal comment, for team A with the permission", alex, engine.SearchRequest{Text: "Krause"}, []string{strom.Number}},
		{"team B's internal comment, for team B with the permission", bea, engine.SearchRequest{Text: "Generalschluessel"}, []string{wasser.Number}},
		{"internal comments stay hidden without the permission", ana, engine.SearchRequest{Text: "Krause"}, nil},
		{"public comments are found without it", ana, engine.SearchRequest{Text: "Sicherung"}, []string{strom.Number}},
		{"the requester finds her tickets", anna, engine.SearchRequest{Text: "Keller"}, []string{strom.Number, wasser.Number}},
		{"the requester does not find internal comments", anna, engine.SearchRequest{Text: "Krause"}, nil},
		{"ticket.read_all finds every ticket", boss, engine.SearchRequest{Text: "Keller"}, []string{strom.Number, wasser.Number}},
		{"a team member without ticket.read_team finds nothing", nobody, engine.SearchRequest{Text: "Keller"}, nil},
		{"process filter", boss, engine.SearchRequest{Text: "Keller", Process: "wasser"}, []string{wasser.Number}},
		{"team filter", boss, engine.SearchRequest{Team: "team-a"}, []string{strom.Number}},
		{"a team filter does not widen the scope", alex, engine.SearchRequest{Team: "team-b"}, nil},
		{"created range around the clock", boss, engine.SearchRequest{Text: "Keller", CreatedFrom: clock.Add(-time.Hour), CreatedTo: clock.Add(time.Hour)}, []string{strom.Number, wasser.Number}},
		{"created range before", boss, engine.SearchRequest{Text: "Keller", CreatedTo: clock.Add(-time.Hour)}, nil},
		{"ticket number", alex, engine.SearchRequest{Text: strings.ToLower(strom.Number)}, []string{strom.Number}},
		{"another team's ticket number", alex, engine.SearchRequest{Text: wasser.Number}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.eng.Search(ctx, tt.actor, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Number)
				for field, snippets := range h.Snippets {
					for _, s := range snippets {
						if h.Number == strom.Number && strings.Contains(s, "Generalschlüssel") ||
							!engine.SearchScope(tt.actor).Internal && (field == "internal" || strings.Contains(s, "Krause")) {
							t.Errorf("hit %s quotes %s: %q", h.Number, field, s)
						}
					}
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("found %v, want %v", got, want)
			}
			if res.Total != uint64(len(want)) {
				t.Errorf("total %d, want %d", res.Total, len(want))
			}
		})
	}

	t.Run("the state filter follows a transition", func(t *testing.T) {
		if _, err := f.eng.Transition(ctx, alex, strom.Number, engine.TransitionRequest{Transition: "erledigen", Comment: "Neue Sicherung eingebaut"}); err != nil {
			t.Fatal(err)
		}
		if err := f.feeder.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := f.eng.Search(ctx, boss, engine.SearchRequest{State: "erledigt", Text: "eingebaut"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].Number != strom.Number || len(res.Hits[0].Snippets["public"]) == 0 {
			t.Errorf("closed ticket by its transition comment: %+v", res.Hits)
		}
	})
	t.Run("snippets mark the words found", func(t *testing.T) {
		res, err := f.eng.Search(ctx, alex, engine.SearchRequest{Text: "Krause"})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%v %+v", err, res)
		}
		if s := res.Hits[0].Snippets["internal"]; len(s) == 0 || !strings.Contains(s[0], "<mark>Krause</mark>") {
			t.Errorf("internal snippet %q", s)
		}
	})
	t.Run("no search without signing in", func(t *testing.T) {
		if _, err := f.eng.Search(ctx, nil, engine.SearchRequest{Text: "Keller"}); !errors.Is(err, fault.Unauthenticated) {
			t.Errorf("anonymous search: %v", err)
		}
	})
}
