package knowledge_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/search"
)

var (
	writerIT  = &auth.Principal{User: "wendy", Teams: []string{"it"}, Permissions: map[string]bool{knowledge.PermWrite: true}}
	readerIT  = &auth.Principal{User: "ida", Teams: []string{"it"}}
	readerOrd = &auth.Principal{User: "olaf", Teams: []string{"ordnungsamt"}}
	admin     = &auth.Principal{User: "root", Admin: true}
)

func newService(t *testing.T, now func() time.Time) *knowledge.Service {
	return newServiceWith(t, now, false)
}

// newServiceWith is a service with or without the full-text index.
func newServiceWith(t *testing.T, now func() time.Time, indexed bool) *knowledge.Service {
	t.Helper()
	st := testkit.OpenStore(t, testkit.StoreOptions{Collections: knowledge.Schema()})
	d := knowledge.Deps{Store: st, Logger: testkit.Quiet, Now: now}
	if indexed {
		idx, err := search.NewArticles()
		if err != nil {
			t.Fatal(err)
		}
		d.Index = idx
	}
	s, err := knowledge.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// modes are the two ways a search runs: through the full-text index
// (the embedded store) and over the stored articles (MongoDB).
var modes = []struct {
	name    string
	indexed bool
}{{"stored", false}, {"indexed", true}}

func content(title string, vis knowledge.Visibility, team string) knowledge.Content {
	return knowledge.Content{Texts: map[string]knowledge.Text{"de": {Title: title, Body: "Der **Drucker** im Flur an der Straße."}, "en": {Title: title + " (en)", Body: "The printer in the hall."}},
		Category: "Drucken", Tags: []string{"Drucker, Toner"}, Visibility: vis, Team: team}
}

func TestVisibility(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) { testVisibility(t, m.indexed) })
	}
}

func testVisibility(t *testing.T, indexed bool) {
	ctx := context.Background()
	s := newServiceWith(t, nil, indexed)
	pub, _ := s.Create(ctx, writerIT, content("Öffentlich", knowledge.Public, ""), "de")
	internal, _ := s.Create(ctx, writerIT, content("Intern", knowledge.Internal, ""), "de")
	team, err := s.Create(ctx, writerIT, content("Nur IT", knowledge.TeamOnly, "it"), "de")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		actor *auth.Principal
		sees  []string
	}{
		{"citizen", nil, []string{pub.Number}},
		{"staff of another team", readerOrd, []string{pub.Number, internal.Number}},
		{"staff of the team", readerIT, []string{pub.Number, internal.Number, team.Number}},
		{"administrator", admin, []string{pub.Number, internal.Number, team.Number}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := s.Find(ctx, knowledge.ScopeOf(c.actor), knowledge.Query{Text: "drucker"})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(c.sees) {
				t.Errorf("total %d, want %d", page.Total, len(c.sees))
			}
			got := map[string]bool{}
			for _, a := range page.Articles {
				got[a.Number] = true
			}
			for _, n := range []string{pub.Number, internal.Number, team.Number} {
				want := strings.Contains(strings.Join(c.sees, " "), n)
				if got[n] != want {
					t.Errorf("finds %s: %v, want %v", n, got[n], want)
				}
				_, err := s.Get(ctx, c.actor, n)
				if want != (err == nil) || (err != nil && !errors.Is(err, fault.NotFound)) {
					t.Errorf("get %s: %v, want visible %v", n, err, want)
				}
			}
		})
	}
}

func TestSaveVersionsAndConflict(t *testing.T) {
	ctx := context.Background()
	clock := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s := newService(t, clock.Now)
	a, err := s.Create(ctx, writerIT, content("Toner wechseln", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	if a.Owner != "wendy" || a.Version != 1 || strings.Join(a.Tags, "|") != "drucker|toner" {
		t.Fatalf("created %+v", a)
	}
	clock.Advance(time.Hour)
	c := content("Toner wechseln", knowledge.Public, "")
	c.Texts["de"] = knowledge.Text{Title: "Toner wechseln", Body: "Der **Drucker** im Flur an der Straße.\nKlappe öffnen."}
	b, err := s.Update(ctx, writerIT, a.Number, 1, c, "de")
	if err != nil || b.Version != 2 {
		t.Fatalf("update: %v %+v", err, b)
	}
	if _, err := s.Update(ctx, writerIT, a.Number, 1, c, "de"); !errors.Is(err, fault.Conflict) {
		t.Errorf("update of an old version: %v, want conflict", err)
	}
	if _, err := s.Update(ctx, readerIT, a.Number, 2, c, "de"); !errors.Is(err, fault.Forbidden) {
		t.Errorf("update without knowledge.write: %v, want forbidden", err)
	}
	vs, err := s.Versions(ctx, readerIT, a.Number)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Author != "wendy" {
		t.Fatalf("versions: %v %+v", err, vs)
	}
	changes, err := s.Diff(ctx, readerIT, a.Number, 1, 2)
	if err != nil || len(changes) != 1 || changes[0].Field != "body_de" {
		t.Fatalf("diff: %v %+v", err, changes)
	}
	last := changes[0].Lines[len(changes[0].Lines)-1]
	if last.Op != knowledge.Add || last.Text != "Klappe öffnen." {
		t.Errorf("last line of the diff %+v", last)
	}
}

func TestInvalid(t *testing.T) {
	s := newService(t, nil)
	cases := []struct {
		name  string
		edit  func(*knowledge.Content)
		field string
		code  string
	}{
		{"no title", func(c *knowledge.Content) { c.Texts = nil }, "title_de", knowledge.CodeNoTitle},
		{"body without title", func(c *knowledge.Content) { c.Texts["en"] = knowledge.Text{Body: "x"} }, "title_en", knowledge.CodeNoTitle},
		{"no category", func(c *knowledge.Content) { c.Category = " " }, "category", knowledge.CodeRequired},
		{"bad visibility", func(c *knowledge.Content) { c.Visibility = "world" }, "visibility", knowledge.CodeBadVisibility},
		{"team without team", func(c *knowledge.Content) { c.Visibility = knowledge.TeamOnly }, "team", knowledge.CodeRequired},
		{"another team", func(c *knowledge.Content) { c.Visibility, c.Team = knowledge.TeamOnly, "ordnungsamt" }, "team", knowledge.CodeNotYourTeam},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := content("Titel", knowledge.Public, "")
			c.edit(&in)
			_, err := s.Create(context.Background(), writerIT, in, "en")
			fields := fault.FieldsOf(err)
			if len(fields) != 1 || fields[0].Field != c.field || fields[0].Code != c.code {
				t.Errorf("fields %+v, want %s %s", fields, c.field, c.code)
			}
		})
	}
}

func TestFindFoldsAndRanks(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) { testFindFoldsAndRanks(t, m.indexed) })
	}
}

func testFindFoldsAndRanks(t *testing.T, indexed bool) {
	ctx := context.Background()
	s := newServiceWith(t, nil, indexed)
	body, _ := s.Create(ctx, writerIT, knowledge.Content{Texts: map[string]knowledge.Text{"de": {Title: "Parken", Body: "Anwohnerparken in der Hauptstraße"}}, Category: "Verkehr", Visibility: knowledge.Public}, "de")
	title, _ := s.Create(ctx, writerIT, knowledge.Content{Texts: map[string]knowledge.Text{"de": {Title: "Straßenreinigung", Body: "Termine"}}, Category: "Straßen", Visibility: knowledge.Public}, "de")
	printer, _ := s.Create(ctx, writerIT, knowledge.Content{Texts: map[string]knowledge.Text{"de": {Title: "Toner des Druckers", Body: "Klappe öffnen"},
		"en": {Title: "Printer toner", Body: "Printing a test page"}}, Category: "IT", Visibility: knowledge.Public}, "de")
	// stored matches pieces of words; indexed matches stemmed words, so
	// it finds other forms of a word but not a word inside a compound.
	cases := []struct {
		text            string
		stored, indexed []string
	}{
		{"strasse", []string{title.Number, body.Number}, []string{title.Number}},
		{"STRASSE termine", []string{title.Number}, []string{title.Number}},
		{"anwohnerparken", []string{body.Number}, []string{body.Number}},
		{"Drucker", []string{printer.Number}, []string{printer.Number}},
		{"Druckern", nil, []string{printer.Number}},
		{"printed", nil, []string{printer.Number}},
		{"Klappe oeffnen", []string{printer.Number}, []string{printer.Number}},
		{"gibtsnicht", nil, nil},
	}
	for _, c := range cases {
		page, err := s.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: c.text, Lang: "de"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range page.Articles {
			got = append(got, a.Number)
		}
		want := c.stored
		if indexed {
			want = c.indexed
		}
		if strings.Join(got, ",") != strings.Join(want, ",") || page.Total != len(want) {
			t.Errorf("%q finds %v (total %d), want %v", c.text, got, page.Total, want)
		}
	}
	cats, err := s.Categories(ctx, knowledge.Scope{})
	if err != nil || len(cats) != 3 || cats[1].Name != "Straßen" || cats[2].Name != "Verkehr" {
		t.Errorf("categories %v %+v", err, cats)
	}
}

func TestReviewAndStats(t *testing.T) {
	ctx := context.Background()
	clock := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s := newService(t, clock.Now)
	c := content("Prüfen", knowledge.Public, "")
	c.ReviewAt = clock.Now().Add(24 * time.Hour)
	a, _ := s.Create(ctx, writerIT, c, "de")
	if due, _ := s.DueForReview(ctx, writerIT); len(due) != 0 {
		t.Errorf("due before the date: %v", due)
	}
	clock.Advance(48 * time.Hour)
	if due, _ := s.DueForReview(ctx, writerIT); len(due) != 1 || due[0].Number != a.Number {
		t.Errorf("due after the date: %v", due)
	}
	if due, _ := s.DueForReview(ctx, readerIT); len(due) != 0 {
		t.Errorf("due for someone who does not own it: %v", due)
	}
	for range 3 {
		if _, err := s.Offer(ctx, "", []string{a.Number}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordUsed(ctx, readerIT, a.Number); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, a.Number)
	if err != nil || st.Shown != 3 || st.Used != 1 {
		t.Errorf("stats %v %+v", err, st)
	}
	if got, _ := s.Get(ctx, readerIT, a.Number); got.Version != 1 {
		t.Errorf("counting changed the article's version to %d", got.Version)
	}
}

func TestRenderSanitises(t *testing.T) {
	cases := []struct{ in, has, hasNot string }{
		{"**fett**", "<strong>fett</strong>", ""},
		{"<script>alert(1)</script>", "", "<script"},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{"<img src=x onerror=alert(1)>", "", "onerror"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<table>", ""},
	}
	for _, c := range cases {
		got, err := knowledge.Render(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if c.has != "" && !strings.Contains(string(got), c.has) {
			t.Errorf("%q → %q, want %q in it", c.in, got, c.has)
		}
		if c.hasNot != "" && strings.Contains(string(got), c.hasNot) {
			t.Errorf("%q → %q, want no %q", c.in, got, c.hasNot)
		}
	}
}

// TestIndexFollowsSaves: the index, loaded by the first search, finds an
// article by the words of its newest version only.
func TestIndexFollowsSaves(t *testing.T) {
	ctx := context.Background()
	s := newServiceWith(t, nil, true)
	a, err := s.Create(ctx, writerIT, content("Schlüssel", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	find := func(text string) int {
		t.Helper()
		p, err := s.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	if find("Flur") != 1 {
		t.Fatal("the loaded index does not find the article")
	}
	c := content("Schlüssel", knowledge.Public, "")
	c.Texts = map[string]knowledge.Text{"de": {Title: "Schlüssel", Body: "Im Keller abholen."}}
	if _, err := s.Update(ctx, writerIT, a.Number, 1, c, "de"); err != nil {
		t.Fatal(err)
	}
	if find("Keller") != 1 || find("Flur") != 0 {
		t.Errorf("after the save: Keller %d, Flur %d; want 1, 0", find("Keller"), find("Flur"))
	}
	c.Visibility = knowledge.Internal
	if _, err := s.Update(ctx, writerIT, a.Number, 2, c, "de"); err != nil {
		t.Fatal(err)
	}
	if find("Keller") != 0 {
		t.Error("a citizen finds an article made internal")
	}
}

func TestDiffLines(t *testing.T) {
	cases := []struct {
		name, a, b string
		want       string
	}{
		{"equal", "a\nb", "a\nb", " a b"},
		{"added at the end", "a", "a\nb", " a +b"},
		{"removed in the middle", "a\nb\nc", "a\nc", " a -b c"},
		{"changed", "a\nb", "a\nB", " a -b +B"},
		{"from nothing", "", "x", " +x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got strings.Builder
			for _, l := range knowledge.DiffLines(c.a, c.b) {
				got.WriteString(" " + map[knowledge.Op]string{knowledge.Keep: "", knowledge.Add: "+", knowledge.Remove: "-"}[l.Op] + l.Text)
			}
			if got.String() != c.want {
				t.Errorf("got %q, want %q", got.String(), c.want)
			}
		})
	}
}

// users knows the users of the tests by name.
type users map[string]bool

func (u users) User(_ context.Context, name string) (*auth.User, error) {
	if !u[name] {
		return nil, auth.ErrUserNotFound
	}
	return &auth.User{Name: name}, nil
}

func TestOwnerMustBeAUser(t *testing.T) {
	st := testkit.OpenStore(t, testkit.StoreOptions{Collections: knowledge.Schema()})
	s, err := knowledge.New(knowledge.Deps{Store: st, Logger: testkit.Quiet, Users: users{"wendy": true, "ida": true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		owner string
		code  string
	}{{"", ""}, {"ida", ""}, {"niemand", knowledge.CodeUnknownUser}} {
		in := content("Titel", knowledge.Public, "")
		in.Owner = c.owner
		_, err := s.Create(context.Background(), writerIT, in, "de")
		fields := fault.FieldsOf(err)
		switch {
		case c.code == "" && err != nil:
			t.Errorf("owner %q: %v", c.owner, err)
		case c.code != "" && (len(fields) != 1 || fields[0].Field != "owner" || fields[0].Code != c.code):
			t.Errorf("owner %q: %v, want %s", c.owner, err, c.code)
		}
	}
}
