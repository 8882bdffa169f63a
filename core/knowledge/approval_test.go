package knowledge_test

import (
	"context"
	"errors"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/search"
)

var (
	// editor and editor2 hold the reviewer role of "Gebühren".
	editor  = &auth.Principal{User: "emma", Roles: []string{"redaktion"}, Permissions: map[string]bool{knowledge.PermWrite: true}}
	editor2 = &auth.Principal{User: "erik", Roles: []string{"redaktion"}, Permissions: map[string]bool{knowledge.PermWrite: true}}
)

// reviewedService is a service where "Gebühren" is reviewed by the role
// redaktion and "Recht" by every writer.
func reviewedService(t *testing.T, indexed bool) *knowledge.Service {
	t.Helper()
	st := testkit.OpenStore(t, testkit.StoreOptions{Collections: knowledge.Schema()})
	d := knowledge.Deps{Store: st, Logger: testkit.Quiet, Review: func(c string) (knowledge.ReviewRule, bool) {
		switch c {
		case "Gebühren":
			return knowledge.ReviewRule{Category: "gebuehren", Role: "redaktion"}, true
		case "Recht":
			return knowledge.ReviewRule{Category: "recht"}, true
		}
		return knowledge.ReviewRule{}, false
	}}
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

func fees(title string) knowledge.Content {
	return knowledge.Content{Texts: map[string]knowledge.Text{"de": {Title: title, Body: "Die Gebühr für den Ausweis."}},
		Category: "Gebühren", Visibility: knowledge.Public}
}

func TestNewArticleWaitsForApproval(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ctx := context.Background()
			s := reviewedService(t, m.indexed)
			a, err := s.Create(ctx, editor, fees("Ausweisgebühr"), "de")
			if err != nil {
				t.Fatal(err)
			}
			if !a.Unpublished || a.Pending == nil || a.Pending.Version != 1 {
				t.Fatalf("new article in a reviewed category: unpublished %v, pending %+v", a.Unpublished, a.Pending)
			}
			for _, who := range []struct {
				name  string
				actor *auth.Principal
				sees  bool
			}{{"citizen", nil, false}, {"staff", readerIT, false}, {"writer", editor2, true}} {
				_, err := s.Get(ctx, who.actor, a.Number)
				if (err == nil) != who.sees {
					t.Errorf("%s reads the unpublished article: %v, want %v", who.name, err, who.sees)
				}
				page, err := s.Find(ctx, knowledge.ScopeOf(who.actor), knowledge.Query{})
				if err != nil {
					t.Fatal(err)
				}
				if (page.Total == 1) != who.sees {
					t.Errorf("%s lists %d articles", who.name, page.Total)
				}
			}
			if page, _ := s.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: "Ausweisgebühr"}); page.Total != 0 {
				t.Errorf("a citizen's search finds the unpublished article")
			}
			if _, err := s.Approve(ctx, editor2, a.Number, 1); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, nil, a.Number)
			if err != nil {
				t.Fatalf("citizen after the approval: %v", err)
			}
			if got.Unpublished || got.Pending != nil || got.Version != 2 {
				t.Errorf("approved: unpublished %v, pending %+v, version %d", got.Unpublished, got.Pending, got.Version)
			}
			if page, _ := s.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: "Ausweisgebühr"}); page.Total != 1 {
				t.Errorf("a citizen's search does not find the approved article")
			}
		})
	}
}

func TestEditWaitsAndPublishedTextStays(t *testing.T) {
	ctx := context.Background()
	s := reviewedService(t, false)
	a, _ := s.Create(ctx, editor, fees("Alt"), "de")
	if _, err := s.Approve(ctx, editor2, a.Number, 1); err != nil {
		t.Fatal(err)
	}
	a, err := s.Update(ctx, editor, a.Number, 2, fees("Neu"), "de")
	if err != nil {
		t.Fatal(err)
	}
	if a.Pending == nil || a.Pending.Version != 3 || a.Published != 2 {
		t.Fatalf("edit: pending %+v, published %d", a.Pending, a.Published)
	}
	if got, _ := s.Get(ctx, nil, a.Number); got.Title("de") != "Alt" {
		t.Errorf("citizen reads %q while the edit waits, want the published text", got.Title("de"))
	}
	if got, _ := s.Get(ctx, editor2, a.Number); got.Latest().Texts["de"].Title != "Neu" {
		t.Errorf("editor starts from %q, want the pending text", got.Latest().Texts["de"].Title)
	}
	// A second edit on top of the pending one keeps the published text.
	if a, err = s.Update(ctx, editor2, a.Number, 3, fees("Neuer"), "de"); err != nil {
		t.Fatal(err)
	}
	if a.Published != 2 || a.Pending.Author != editor2.User {
		t.Errorf("second edit: published %d, pending author %s", a.Published, a.Pending.Author)
	}
	if _, err := s.Approve(ctx, editor, a.Number, 3); !errors.Is(err, fault.Conflict) {
		t.Errorf("approving a version that is no longer the pending one: %v, want a conflict", err)
	}
	if _, err := s.Approve(ctx, editor, a.Number, 4); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, nil, a.Number); got.Title("de") != "Neuer" {
		t.Errorf("citizen reads %q after the approval", got.Title("de"))
	}
	vs, err := s.Versions(ctx, editor, a.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 5 || vs[0].Decision != knowledge.Approved || vs[0].Of != 4 || vs[0].Author != editor.User {
		t.Errorf("latest version: %+v of %d", vs[0], len(vs))
	}
}

func TestApprovalAuthorization(t *testing.T) {
	noRole := &auth.Principal{User: "wanda", Permissions: map[string]bool{knowledge.PermWrite: true}}
	cases := []struct {
		name     string
		category string
		actor    *auth.Principal
		code     string
		kind     error
	}{
		{"author of the version", "Gebühren", editor, knowledge.CodeOwnVersion, fault.Forbidden},
		{"reviewer with the role", "Gebühren", editor2, "", nil},
		{"writer without the role", "Gebühren", noRole, knowledge.CodeReviewerRole, fault.Forbidden},
		{"staff without the permission", "Gebühren", &auth.Principal{User: "ida", Roles: []string{"redaktion"}}, "forbidden", fault.Forbidden},
		{"administrator", "Gebühren", admin, "", nil},
		{"any writer where no role is named", "Recht", noRole, "", nil},
		{"the author where no role is named", "Recht", editor, knowledge.CodeOwnVersion, fault.Forbidden},
		{"citizen", "Recht", nil, "forbidden", fault.Forbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			s := reviewedService(t, false)
			ct := fees("Titel")
			ct.Category = c.category
			a, err := s.Create(ctx, editor, ct, "de")
			if err != nil {
				t.Fatal(err)
			}
			if got := s.MayApprove(c.actor, a); got != (c.kind == nil) {
				t.Errorf("MayApprove = %v", got)
			}
			_, err = s.Approve(ctx, c.actor, a.Number, 1)
			if c.kind == nil {
				if err != nil {
					t.Fatalf("approve: %v", err)
				}
				return
			}
			if !errors.Is(err, c.kind) || fault.Code(err) != c.code {
				t.Errorf("approve: %v (code %q), want %v %q", err, fault.Code(err), c.kind, c.code)
			}
		})
	}
}

func TestRejectKeepsPublishedText(t *testing.T) {
	ctx := context.Background()
	s := reviewedService(t, false)
	a, _ := s.Create(ctx, editor, fees("Alt"), "de")
	if _, err := s.Approve(ctx, editor2, a.Number, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, editor, a.Number, 2, fees("Falsch"), "de"); err != nil {
		t.Fatal(err)
	}
	// The author may withdraw their own version.
	a, err := s.Reject(ctx, editor, a.Number, 3)
	if err != nil {
		t.Fatal(err)
	}
	if a.Pending != nil || a.Title("de") != "Alt" || a.Version != 4 {
		t.Errorf("rejected: pending %+v, title %q, version %d", a.Pending, a.Title("de"), a.Version)
	}
	if _, err := s.Reject(ctx, editor2, a.Number, 4); fault.Code(err) != knowledge.CodeNothingPending {
		t.Errorf("reject with nothing pending: %v", err)
	}
}

// TestRejectedNewArticleStaysUnpublished: a new article whose first
// version was withdrawn has nothing published when it is saved again.
func TestRejectedNewArticleStaysUnpublished(t *testing.T) {
	ctx := context.Background()
	s := reviewedService(t, false)
	a, _ := s.Create(ctx, editor, fees("Eins"), "de")
	if _, err := s.Reject(ctx, editor, a.Number, 1); err != nil {
		t.Fatal(err)
	}
	a, err := s.Update(ctx, editor, a.Number, 2, fees("Zwei"), "de")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Unpublished || a.Published != 0 || a.Pending == nil || a.Pending.Version != 3 {
		t.Errorf("saved again: unpublished %v, published %d, pending %+v", a.Unpublished, a.Published, a.Pending)
	}
	if _, err := s.Get(ctx, nil, a.Number); !errors.Is(err, fault.NotFound) {
		t.Errorf("a citizen reads the unpublished article: %v", err)
	}
}

func TestLeavingReviewedCategoryIsReviewed(t *testing.T) {
	ctx := context.Background()
	s := reviewedService(t, false)
	a, _ := s.Create(ctx, editor, fees("Alt"), "de")
	if _, err := s.Approve(ctx, editor2, a.Number, 1); err != nil {
		t.Fatal(err)
	}
	moved := fees("Ohne Prüfung")
	moved.Category = "Sonstiges"
	a, err := s.Update(ctx, editor, a.Number, 2, moved, "de")
	if err != nil {
		t.Fatal(err)
	}
	if a.Pending == nil || a.Category != "Gebühren" {
		t.Errorf("moving out of a reviewed category was published at once: category %q, pending %v", a.Category, a.Pending != nil)
	}
	// Outside reviewed categories a save publishes at once.
	plain, _ := s.Create(ctx, editor, content("Drucker", knowledge.Public, ""), "de")
	if plain.Pending != nil || plain.Unpublished {
		t.Errorf("unreviewed category: pending %+v, unpublished %v", plain.Pending, plain.Unpublished)
	}
}

func TestAwaitingApproval(t *testing.T) {
	ctx := context.Background()
	s := reviewedService(t, false)
	a, _ := s.Create(ctx, editor, fees("Eins"), "de")
	for _, c := range []struct {
		name  string
		actor *auth.Principal
		want  int
	}{{"author", editor, 0}, {"reviewer", editor2, 1}, {"reader", readerIT, 0}} {
		got, err := s.AwaitingApproval(ctx, c.actor)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != c.want || (c.want == 1 && got[0].Number != a.Number) {
			t.Errorf("%s: %d awaiting, want %d", c.name, len(got), c.want)
		}
	}
}
