package web_test

// BenchmarkPages measures the HTML pages over real HTTP on loopback, on
// the store BenchmarkAPI seeds (N IT incidents, 20% open), with the same
// flags:
//
//	go test ./core/web -run '^$' -bench BenchmarkPages -benchtime 1x \
//	    -api.tickets 100000 -api.dir /tmp/vorgang-api-100k
//
// The latency is taken at the client, so it includes the loopback round
// trip: an upper bound of the server time. docs/benchmarks.md records the
// figures.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/web"
	"vorgang/core/web/internal/webtest"
)

func BenchmarkPages(b *testing.B) {
	dir := *apiDir
	if dir == "" {
		dir = b.TempDir()
	}
	n := *apiTickets
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cat := webtest.TestCatalog(b)
	catalog := func() *definition.Catalog { return cat }
	open := func(dir string) *store.Store {
		st, err := store.Open(ctx, store.Config{DataDir: dir, Logger: quiet, Collections: append(auth.Schema(), engine.Schema()...)})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	st := open(dir)
	seedAPIBench(b, st, cat, n)
	if *apiDir != "" {
		// Logins write sessions: work on a copy of the seeded folder.
		if err := st.Close(ctx); err != nil {
			b.Fatal(err)
		}
		dir = b.TempDir()
		testkit.CopyDir(b, *apiDir, dir)
		st = open(dir)
	}
	defer st.Close(ctx)

	authn, err := auth.New(auth.Config{Store: st, Catalog: catalog, Logger: quiet,
		Password: auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := engine.New(engine.Deps{Store: st, Catalog: catalog, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	cookies := map[string]string{}
	for _, u := range []auth.NewUser{{Name: "root", Roles: []string{"admin"}}, {Name: "ben", Teams: []string{"it-1st-level"}}} {
		if _, err := authn.CreateUser(ctx, u); err != nil && !errors.Is(err, auth.ErrUserExists) {
			b.Fatal(err)
		}
		if err := authn.SetPassword(ctx, u.Name, webtest.UIPassword); err != nil {
			b.Fatal(err)
		}
		s, err := authn.Login(ctx, u.Name, webtest.UIPassword, "127.0.0.1")
		if err != nil {
			b.Fatal(err)
		}
		cookies[u.Name] = "vorgang_session=" + s.Token
	}
	app := web.New(web.Deps{Logger: quiet, Store: st, UI: &web.UIDeps{Engine: eng, Auth: authn, Catalog: catalog}})
	base := webtest.Serve(b, app)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	get := func(user, path, want string) error {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if user != "" {
			req.Header.Set("Cookie", cookies[user])
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			return fmt.Errorf("GET %s as %q: %d, %q missing", path, user, resp.StatusCode, want)
		}
		return nil
	}

	year := time.Now().Year()
	rng := rand.New(rand.NewPCG(*apiSeed, 7))
	root, err := authn.Principal(ctx, "root")
	if err != nil {
		b.Fatal(err)
	}
	// An open ticket (every fifth is) and a transition root may run on it.
	open1 := fmt.Sprintf("INC-%d-%06d", year, 1)
	t1, err := eng.Ticket(ctx, root, open1)
	if err != nil {
		b.Fatal(err)
	}
	trs := eng.Transitions(root, t1)
	if len(trs) == 0 {
		b.Fatalf("no transition from %s", t1.State)
	}
	transition := fmt.Sprintf("/app/tickets/%s/transitions/%s", open1, trs[0].ID.Value)

	ops := *apiOps
	pages := []struct {
		name, user, want string
		path             func() string
	}{
		{"portal-catalog", "", "citizen-report", func() string { return "/portal/" }},
		{"portal-form", "", "form-citizen-report", func() string { return "/portal/new/citizen-report" }},
		{"staff-form", "ben", "form-it-incident", func() string { return "/app/new/it-incident" }},
		{"inbox", "ben", "INC-", func() string { return "/app/?view=team&team=it-1st-level" }},
		{"inbox-filtered", "ben", "<table", func() string { return "/app/?view=team&team=it-1st-level&priority=high&state=new" }},
		{"inbox-search", "ben", "<main", func() string { return "/app/?view=team&team=it-1st-level&q=Raum+2" }},
		{"ticket", "root", "vg-timeline", func() string { return fmt.Sprintf("/app/tickets/INC-%d-%06d", year, 1+rng.IntN(n)) }},
		{"transition-form", "root", "_version", func() string { return transition }},
		{"dashboard", "root", "chart-team", func() string { return "/app/dashboard" }},
		{"admin-diagram", "root", "diagram-title", func() string { return "/admin/processes/it-incident" }},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			measureAPI(b, ops, func(int) error { return get(p.user, p.path(), p.want) }).report(b)
		})
	}
}
