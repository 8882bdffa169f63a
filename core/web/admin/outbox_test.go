package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/web/internal/webtest"
	"vorgang/core/webhook"
)

const hookSecret = "test-geheimnis"

// hookReceiver is a webhook receiver that checks every post's signature.
type hookReceiver struct {
	mu  sync.Mutex
	got []webhook.Payload
	bad int
}

func startReceiver(t *testing.T) (*hookReceiver, string) {
	r := &hookReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if !webhook.Verify(hookSecret, req.Header.Get(webhook.HeaderTimestamp), req.Header.Get(webhook.HeaderSignature), body) {
			r.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			r.bad++
		}
		r.got = append(r.got, p)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

// outboxEnv is the app with a webhook to a receiver of the test and a
// worker that delivers its posts when the test says so.
func outboxEnv(t *testing.T) (*webtest.UIEnv, *hookReceiver, *webhook.Worker) {
	rcv, u := startReceiver(t)
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(hookSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	def := "apiVersion: vorgang/v1\nkind: Webhook\nid: leitstelle\ntitle: Leitstelle\nurl: " + u +
		"\nevents: [ticket.created]\nsecret: {file: " + secretFile + "}\nallow_private_network: true\n"
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{{Path: "processes/webhook.yaml", Data: []byte(def)}}})
	w, err := webhook.New(webhook.Config{Store: env.St, Catalog: func() *definition.Catalog { return env.Cat },
		Committed: func(ctx context.Context, item *store.OutboxItem) (bool, error) {
			return engine.EffectCommitted(ctx, env.St, item)
		}})
	if err != nil {
		t.Fatal(err)
	}
	return env, rcv, w
}

// failedMail queues a mail and lets its only attempt fail.
func failedMail(t *testing.T, env *webtest.UIEnv, id string) {
	t.Helper()
	item := &store.OutboxItem{ID: id, Kind: "mail", Payload: map[string]any{"to": "x@example.org"}}
	if err := env.St.Enqueue(t.Context(), item, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := env.St.FailOutbox(t.Context(), item, errors.New("smtp: 554 relay refused"), time.Now(), 0, 0); err != nil {
		t.Fatal(err)
	}
}

func outboxState(t *testing.T, env *webtest.UIEnv, id string) (string, string) {
	t.Helper()
	it, err := env.St.OutboxItemByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it.State, it.LastError
}

// TestAdminOutboxPage: an administrator finds a failed mail with its
// reason on the outbox page, retries it, discards it, and sends a test
// delivery to a webhook, which a receiver gets signed; filtered to
// webhooks and done, the page is the delivery log.
func TestAdminOutboxPage(t *testing.T) {
	env, rcv, worker := outboxEnv(t)
	failedMail(t, env, "mail/relay-1")
	root := env.Browser(t)
	root.Login("root")

	p := root.Get("/admin/outbox?state=failed")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "smtp: 554 relay refused") || !strings.Contains(p.Body, `value="mail/relay-1"`) {
		t.Fatalf("failed list: %d\n%s", p.Status, p.Body)
	}
	if p := root.Get("/admin/outbox?state=failed&kind=webhook"); strings.Contains(p.Body, "mail/relay-1") {
		t.Error("the webhook filter shows a mail")
	}
	if p := root.Get("/admin/outbox?state=nonsense"); p.Status != http.StatusBadRequest {
		t.Errorf("unknown state: %d", p.Status)
	}
	csrf := webtest.Hidden(t, p.Body, "_csrf")
	back := "/admin/outbox?state=failed"

	// Without the CSRF token nothing changes.
	if p := root.Post("/admin/outbox/retry", url.Values{"id": {"mail/relay-1"}, "back": {back}}); p.Status != http.StatusForbidden {
		t.Errorf("retry without CSRF: %d", p.Status)
	}
	if s, _ := outboxState(t, env, "mail/relay-1"); s != store.OutboxFailed {
		t.Fatalf("after a refused retry: %s", s)
	}
	p = root.Post("/admin/outbox/retry", url.Values{"_csrf": {csrf}, "id": {"mail/relay-1"}, "back": {back}})
	if p.Status != http.StatusSeeOther || p.Location != "/admin/outbox?state=failed&notice=outbox_retried" {
		t.Fatalf("retry: %d %s", p.Status, p.Location)
	}
	if s, _ := outboxState(t, env, "mail/relay-1"); s != store.OutboxPending {
		t.Errorf("after retry: %s", s)
	}
	if p := root.Get(p.Location); !strings.Contains(p.Body, "erneut versucht") {
		t.Error("no notice after the retry")
	}
	// A queued item cannot be retried, only discarded.
	if p := root.Post("/admin/outbox/retry", url.Values{"_csrf": {csrf}, "id": {"mail/relay-1"}, "back": {back}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("retry of a queued item: %d", p.Status)
	}
	// A redirect target outside the outbox page is not followed.
	p = root.Post("/admin/outbox/discard", url.Values{"_csrf": {csrf}, "id": {"mail/relay-1"}, "back": {"https://evil.example/admin/outbox"}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/admin/outbox?state=pending") {
		t.Fatalf("discard: %d %s", p.Status, p.Location)
	}
	if s, why := outboxState(t, env, "mail/relay-1"); s != store.OutboxFailed || !strings.Contains(why, "discarded by root") {
		t.Errorf("after discard: %s %q", s, why)
	}
	if p := root.Post("/admin/outbox/discard", url.Values{"_csrf": {csrf}, "id": {"mail/none"}}); p.Status != http.StatusNotFound {
		t.Errorf("discard of an unknown item: %d", p.Status)
	}

	// The test delivery: queued through the outbox, delivered by the
	// worker, signed, and then in the delivery log.
	if p := root.Post("/admin/webhooks/ghost/test", url.Values{"_csrf": {csrf}}); p.Status != http.StatusNotFound {
		t.Errorf("test of an unknown webhook: %d", p.Status)
	}
	p = root.Post("/admin/webhooks/leitstelle/test", url.Values{"_csrf": {csrf}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "notice=webhook_test_queued") {
		t.Fatalf("test delivery: %d %s", p.Status, p.Location)
	}
	if p := root.Get("/admin/outbox?state=pending&kind=webhook"); !strings.Contains(p.Body, "leitstelle") {
		t.Errorf("the queued test delivery is not listed:\n%s", p.Body)
	}
	if n, err := worker.Deliver(t.Context()); n != 1 || err != nil {
		t.Fatalf("deliver: %d %v", n, err)
	}
	rcv.mu.Lock()
	got, bad := rcv.got, rcv.bad
	rcv.mu.Unlock()
	if bad != 0 || len(got) != 1 || got[0].Event != engine.EventWebhookTest || got[0].Webhook != "leitstelle" || got[0].Actor != "root" ||
		got[0].Version != webhook.PayloadVersion {
		t.Fatalf("received %+v (%d unsigned)", got, bad)
	}
	if p := root.Get("/admin/outbox?state=done&kind=webhook"); !strings.Contains(p.Body, got[0].Delivery) {
		t.Errorf("the delivery log lacks %s", got[0].Delivery)
	}
}

// TestAdminOutboxMatrix asks the outbox page, its posts and its API as
// every kind of user: only administrators see or change the outbox.
func TestAdminOutboxMatrix(t *testing.T) {
	env, _, _ := outboxEnv(t)
	failedMail(t, env, "mail/matrix-1")
	users := []string{"", "anna", "ben", "lea", "tim", "root"}
	const (
		ok     = http.StatusOK
		login  = http.StatusSeeOther
		forbid = http.StatusForbidden
	)
	gets := []struct {
		path string
		want []int
	}{
		{"/admin/outbox", []int{login, forbid, forbid, forbid, forbid, ok}},
		{"/admin/outbox?state=failed&kind=mail", []int{login, forbid, forbid, forbid, forbid, ok}},
	}
	for _, g := range gets {
		for i, u := range users {
			b := env.Browser(t)
			if u != "" {
				b.Login(u)
			}
			if p := b.Get(g.path); p.Status != g.want[i] {
				t.Errorf("%q GET %s: %d, want %d", u, g.path, p.Status, g.want[i])
			}
		}
	}
	posts := []string{"/admin/outbox/retry", "/admin/outbox/discard", "/admin/webhooks/leitstelle/test"}
	for _, path := range posts {
		for _, u := range users[:len(users)-1] {
			b := env.Browser(t)
			form := url.Values{"id": {"mail/matrix-1"}}
			want := http.StatusUnauthorized
			if u != "" {
				b.Login(u)
				form.Set("_csrf", webtest.Hidden(t, b.Get("/app/account").Body, "_csrf"))
				want = forbid
			}
			if p := b.Post(path, form); p.Status != want {
				t.Errorf("%q POST %s: %d, want %d", u, path, p.Status, want)
			}
		}
	}
	if s, why := outboxState(t, env, "mail/matrix-1"); s != store.OutboxFailed || why != "smtp: 554 relay refused" {
		t.Errorf("refused posts changed the item: %s %q", s, why)
	}

	apis := []struct {
		method, path, body string
		want               []int // anna, ben, lea, tim, root
	}{
		{"GET", "/api/v1/outbox?state=failed", "", []int{forbid, forbid, forbid, forbid, ok}},
		{"POST", "/api/v1/outbox/retry", `{"id":"mail/matrix-1"}`, []int{forbid, forbid, forbid, forbid, ok}},
		{"POST", "/api/v1/outbox/discard", `{"id":"mail/matrix-1"}`, []int{forbid, forbid, forbid, forbid, ok}},
		{"POST", "/api/v1/webhooks/leitstelle/test", "", []int{forbid, forbid, forbid, forbid, http.StatusAccepted}},
	}
	for _, a := range apis {
		for i, u := range users[1:] {
			if status, body := env.APICall(t, u, a.method, a.path, a.body); status != a.want[i] {
				t.Errorf("%s %s %s: %d, want %d: %s", u, a.method, a.path, status, a.want[i], body)
			}
		}
		req, _ := http.NewRequest(a.method, env.Base+a.path, strings.NewReader(a.body))
		if p := env.Browser(t).Do(req); p.Status != http.StatusUnauthorized {
			t.Errorf("anonymous %s %s: %d", a.method, a.path, p.Status)
		}
	}
	// The API's answers: the failed mail with its reason, then the
	// outcome of the retry and discard above.
	status, body := env.APICall(t, "root", "GET", "/api/v1/outbox?state=failed&kind=mail", "")
	var list struct {
		Items []struct {
			ID        string `json:"id"`
			LastError string `json:"last_error"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); status != ok || err != nil || len(list.Items) != 1 ||
		list.Items[0].ID != "mail/matrix-1" || !strings.Contains(list.Items[0].LastError, "discarded by root") {
		t.Errorf("API list: %d %s", status, body)
	}
}
