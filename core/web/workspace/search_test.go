package workspace_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/web"
	"vorgang/core/web/internal/webtest"
)

// searchEnv is the pages over a running app, whose engine searches the
// full-text index its loop feeds.
func searchEnv(t *testing.T) *webtest.UIEnv {
	t.Helper()
	cat := webtest.TestCatalog(t)
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(cat), Password: auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	go func() { _ = a.Run(t.Context()) }()
	for _, u := range webtest.UIUsers {
		u.Password = webtest.UIPassword
		if _, err := a.Auth.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	srv := web.New(web.Deps{Logger: testkit.Quiet, Store: a.Store,
		UI: &web.UIDeps{Engine: a.Engine, Auth: a.Auth, Catalog: a.Catalog, Knowledge: a.Knowledge}})
	env := &webtest.UIEnv{App: srv, St: a.Store, Eng: a.Engine, Authn: a.Auth, Cat: cat}
	env.Base = webtest.Serve(t, srv)
	return env
}

// TestHeaderSearch: the header's search finds a team's ticket by an
// internal comment for the team, and nothing of it for another team;
// articles are listed beside the tickets.
func TestHeaderSearch(t *testing.T) {
	env := searchEnv(t)
	ctx := t.Context()
	ben, _ := env.Authn.Principal(ctx, "ben")
	tk, err := env.Eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker im Raum 204 druckt streifig", "category": "printer", "impact": "some", "urgency": "high", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Comment(ctx, ben, tk.Number, 0, "Tonerkartusche beim Lieferanten bestellt", true, "de"); err != nil {
		t.Fatal(err)
	}
	root := env.Browser(t)
	root.Login("root")
	pub := writeArticle(t, root, "Tonerkartusche wechseln", "Klappe öffnen.", "public", "")
	b := env.Browser(t)
	b.Login("ben")
	// The index is fed a moment after the write.
	deadline := time.Now().Add(30 * time.Second)
	var p webtest.Page
	for {
		p = b.Get("/app/search?q=Tonerkartusche")
		if p.Status != http.StatusOK {
			t.Fatalf("search: %d", p.Status)
		}
		if strings.Contains(p.Body, "/app/tickets/"+tk.Number) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(p.Body, "/app/tickets/"+tk.Number) || !strings.Contains(p.Body, "<mark>") || !strings.Contains(p.Body, "/app/knowledge/"+pub) {
		t.Fatalf("ben does not find the ticket (with a snippet) and the article: %d\n%s", p.Status, p.Body)
	}
	carla := env.Browser(t)
	carla.Login("carla")
	if p := carla.Get("/app/search?q=Tonerkartusche"); strings.Contains(p.Body, tk.Number) || !strings.Contains(p.Body, "/app/knowledge/"+pub) {
		t.Errorf("carla of another team finds the ticket or not the article:\n%s", p.Body)
	}
	if p := b.Get("/app/"); !strings.Contains(p.Body, `action="/app/search"`) {
		t.Error("the header has no search box")
	}
}
