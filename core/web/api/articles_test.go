package api_test

import (
	"net/http"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/web"
)

// newArticlesEnv is the app's API with its knowledge base; root writes.
func newArticlesEnv(t *testing.T) *apiEnv {
	t.Helper()
	return newArticlesEnvOf(t, testkit.NewApp(t, app.Config{}))
}

// newArticlesEnvOf is newArticlesEnv over a.
func newArticlesEnvOf(t *testing.T, a *app.App) *apiEnv {
	t.Helper()
	env := &apiEnv{tokens: map[string]string{}, st: a.Store}
	for _, u := range []auth.NewUser{{Name: "ben", Teams: []string{"it-1st-level"}}, {Name: "carla", Teams: []string{"it-2nd-level"}}, {Name: "root", Roles: []string{"admin"}}} {
		if _, err := a.Auth.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		secret, _, err := a.Auth.CreateToken(t.Context(), u.Name, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		env.tokens[u.Name] = secret
	}
	env.app = web.New(web.Deps{Logger: a.Logger, Store: a.Store,
		API: &web.APIDeps{Engine: a.Engine, Auth: a.Auth, Catalog: a.Catalog, Knowledge: a.Knowledge}})
	return env
}

// TestArticlesAPI: write, update with the version read, refuse a stale
// version and bad input by field, list versions and their difference,
// list one's articles due for review; readers see what their scope
// allows, and the OpenAPI document describes the routes.
func TestArticlesAPI(t *testing.T) {
	env := newArticlesEnv(t)
	article := map[string]any{"texts": map[string]any{"de": map[string]any{"title": "VPN einrichten", "body": "Schritt 1"}},
		"category": "IT", "visibility": "team", "team": "it-1st-level", "review_at": "2020-01-01T00:00:00Z"}
	status, body := env.call(t, "root", "POST", "/api/v1/articles", article)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	number, _ := body["number"].(string)
	if status, _ := env.call(t, "ben", "POST", "/api/v1/articles", article); status != http.StatusForbidden {
		t.Errorf("create without knowledge.write: %d", status)
	}
	article["version"] = 1
	article["texts"] = map[string]any{"de": map[string]any{"title": "VPN einrichten", "body": "Schritt 1\nSchritt 2"}}
	if status, body := env.call(t, "root", "PUT", "/api/v1/articles/"+number, article); status != http.StatusOK || body["version"] != float64(2) {
		t.Fatalf("update: %d %v", status, body)
	}
	if status, body := env.call(t, "root", "PUT", "/api/v1/articles/"+number, article); status != http.StatusConflict {
		t.Errorf("update of version 1 again: %d %v", status, body)
	}
	bad := map[string]any{"version": 2, "texts": map[string]any{}, "category": "", "visibility": "world"}
	if status, body := env.call(t, "root", "PUT", "/api/v1/articles/"+number, bad); status != http.StatusUnprocessableEntity ||
		!hasField(body, "title_de") || !hasField(body, "category") || !hasField(body, "visibility") {
		t.Errorf("bad update: %d %v", status, body)
	}
	if status, body := env.call(t, "root", "GET", "/api/v1/articles/"+number+"/versions", nil); status != http.StatusOK || len(body["versions"].([]any)) != 2 {
		t.Errorf("versions: %d %v", status, body)
	}
	status, body = env.call(t, "root", "GET", "/api/v1/articles/"+number+"/diff?from=1&to=2", nil)
	if changes, _ := body["changes"].([]any); status != http.StatusOK || len(changes) != 1 {
		t.Errorf("diff: %d %v", status, body)
	}
	if status, body := env.call(t, "root", "GET", "/api/v1/articles/review", nil); status != http.StatusOK || len(body["articles"].([]any)) != 1 {
		t.Errorf("due for review: %d %v", status, body)
	}
	for _, c := range []struct {
		user string
		want int
	}{{"ben", http.StatusOK}, {"carla", http.StatusNotFound}, {"", http.StatusNotFound}} {
		if status, _ := env.call(t, c.user, "GET", "/api/v1/articles/"+number, nil); status != c.want {
			t.Errorf("%q reads the team article: %d, want %d", c.user, status, c.want)
		}
		if status, _ := env.call(t, c.user, "GET", "/api/v1/articles/"+number+"/versions", nil); c.user != "" && status != c.want {
			t.Errorf("%q reads its versions: %d, want %d", c.user, status, c.want)
		}
	}
	status, body = env.call(t, "", "GET", "/api/v1/openapi.json", nil)
	paths, _ := body["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/articles", "/api/v1/articles/{number}", "/api/v1/articles/{number}/versions", "/api/v1/articles/{number}/diff", "/api/v1/articles/review"} {
		if status != http.StatusOK || paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}

// TestArticleStatsAPI: staff read an article's counts, citizens do not.
func TestArticleStatsAPI(t *testing.T) {
	a := testkit.NewApp(t, app.Config{})
	env := newArticlesEnvOf(t, a)
	article := map[string]any{"texts": map[string]any{"de": map[string]any{"title": "Sperrmüll", "body": "Online anmelden."}},
		"category": "Abfall", "visibility": "public"}
	status, body := env.call(t, "root", "POST", "/api/v1/articles", article)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	number, _ := body["number"].(string)
	// Two forms are offered the article; one is sent, the other left.
	sent, err := a.Knowledge.Offer(t.Context(), "", []string{number})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Knowledge.Offer(t.Context(), "", []string{number}); err != nil {
		t.Fatal(err)
	}
	if err := a.Knowledge.OfferSubmitted(t.Context(), sent); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Knowledge.CloseOffers(t.Context(), time.Now().Add(knowledge.OfferWindow+time.Hour)); err != nil {
		t.Fatal(err)
	}
	status, body = env.call(t, "ben", "GET", "/api/v1/articles/"+number, nil)
	st, _ := body["stats"].(map[string]any)
	if status != http.StatusOK || st["shown"] != float64(2) || st["submitted"] != float64(1) || st["left"] != float64(1) || st["used"] != float64(0) {
		t.Errorf("staff: %d %v", status, body["stats"])
	}
	// The same per month: this one.
	months, _ := st["months"].([]any)
	if len(months) != 1 {
		t.Fatalf("months: %v", st["months"])
	}
	m, _ := months[0].(map[string]any)
	if m["month"] != time.Now().UTC().Format("2006-01") || m["shown"] != float64(2) || m["left"] != float64(1) || m["submitted"] != float64(1) {
		t.Errorf("month: %v", m)
	}
	status, body = env.call(t, "", "GET", "/api/v1/articles/"+number, nil)
	if _, ok := body["stats"]; status != http.StatusOK || ok {
		t.Errorf("citizen: %d %v", status, body["stats"])
	}
	// The list gives staff the counts in all, citizens none.
	listed := func(user string) map[string]any {
		t.Helper()
		status, body := env.call(t, user, "GET", "/api/v1/articles", nil)
		list, _ := body["articles"].([]any)
		if status != http.StatusOK || len(list) != 1 {
			t.Fatalf("list as %q: %d %v", user, status, body)
		}
		head, _ := list[0].(map[string]any)
		return head
	}
	if st, _ := listed("ben")["stats"].(map[string]any); st["shown"] != float64(2) || st["submitted"] != float64(1) || st["left"] != float64(1) || st["months"] != nil {
		t.Errorf("staff's list: %v", st)
	}
	if st, ok := listed("")["stats"]; ok {
		t.Errorf("citizen's list: %v", st)
	}
}
