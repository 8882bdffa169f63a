package webhook_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/webhook"
)

const secret = "s3cr3t-signatur"

// receiver records what a webhook receiver is sent; status decides its
// answer.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	got    []webhook.Payload
	tries  int
	status int
	// refuse, when set, is an event answered 503 whatever status says.
	refuse string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, status: http.StatusNoContent}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tries++
		if !webhook.Verify(secret, req.Header.Get(webhook.HeaderTimestamp), req.Header.Get(webhook.HeaderSignature), body) {
			t.Errorf("delivery %s: the signature does not verify", req.Header.Get(webhook.HeaderDelivery))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.refuse != "" && req.Header.Get(webhook.HeaderEvent) == r.refuse {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.status/100 != 2 {
			w.WriteHeader(r.status)
			return
		}
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("body: %v", err)
		}
		if req.Header.Get(webhook.HeaderEvent) != p.Event || req.Header.Get(webhook.HeaderDelivery) != p.Delivery {
			t.Errorf("headers %v do not match the body %+v", req.Header, p)
		}
		r.got = append(r.got, p)
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

func (r *receiver) refuseEvent(event string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse = event
}

func (r *receiver) received() []webhook.Payload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

type env struct {
	a   *app.App
	clk *testkit.Clock
	ben *auth.Principal
}

// newEnv starts the shipped desks plus a webhook to url for IT incidents.
func newEnv(t *testing.T, url string, allowPrivate bool) *env {
	t.Helper()
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	def := "apiVersion: vorgang/v1\nkind: Webhook\nid: leitstelle\ntitle: Leitstelle\nurl: " + url +
		"\nevents: [ticket.created, ticket.transitioned, ticket.commented]\nprocesses: [it-incident]\nsecret: {file: " + secretFile + "}\n"
	if allowPrivate {
		def += "allow_private_network: true\n"
	}
	files := append(testkit.DeskFiles(t), definition.File{Path: "processes/webhook.yaml", Data: []byte(def)})
	clk := testkit.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(testkit.Compile(t, files)), Now: clk.Now})
	for _, u := range []auth.NewUser{{Name: "anna"}, {Name: "ben", Teams: []string{"it-1st-level"}}} {
		if _, err := a.Auth.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	ben, err := a.Auth.Principal(t.Context(), "ben")
	if err != nil {
		t.Fatal(err)
	}
	return &env{a: a, clk: clk, ben: ben}
}

func (e *env) incident(t *testing.T) string {
	t.Helper()
	anna, err := e.a.Auth.Principal(t.Context(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := e.a.Engine.Create(t.Context(), anna, engine.CreateRequest{Process: "it-incident",
		Data: map[string]any{"summary": "Drucker druckt nicht", "category": "printer", "impact": "single", "urgency": "medium", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk.Number
}

// drain delivers until nothing is due, moving the clock past each backoff.
func (e *env) drain(t *testing.T, rounds int) {
	t.Helper()
	for range rounds {
		if _, err := e.a.Webhooks.Deliver(t.Context()); err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(2 * time.Hour)
	}
}

// The events of a ticket reach the receiver signed, once each, in the
// order of the ticket's changes; internal comment text never does.
func TestDeliveriesArriveSignedInOrder(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	e := newEnv(t, r.srv.URL+"/events", true)
	ctx := t.Context()
	number := e.incident(t)
	if _, err := e.a.Engine.Comment(ctx, e.ben, number, 0, "Toner bestellt", true, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Engine.Transition(ctx, e.ben, number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, 3)
	got := r.received()
	var events []string
	for _, p := range got {
		events = append(events, p.Event)
		if p.Version != webhook.PayloadVersion || p.Webhook != "leitstelle" || p.Ticket.Number != number || p.Ticket.Process != "it-incident" {
			t.Errorf("payload %+v", p)
		}
		if p.Comment != "" {
			t.Errorf("an internal comment's text was posted: %+v", p)
		}
	}
	if want := []string{"ticket.created", "ticket.commented", "ticket.transitioned"}; !slices.Equal(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
	if got[1].Internal != true || got[2].Transition != "start" || got[2].Ticket.State != "in_progress" || got[2].Actor != "ben" {
		t.Errorf("payloads %+v", got)
	}
	if got[0].Sequence >= got[1].Sequence || got[1].Sequence >= got[2].Sequence {
		t.Errorf("sequences not rising: %d %d %d", got[0].Sequence, got[1].Sequence, got[2].Sequence)
	}
}

// While the receiver is down nothing is lost and nothing overtakes: once
// it is back each event arrives once, in order per ticket, even where a
// later event's delivery came due before an earlier one's retry.
func TestReceiverDownThenUp(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	e := newEnv(t, r.srv.URL, true)
	ctx := t.Context()
	// The creation's delivery fails and waits for its retry...
	r.refuseEvent("ticket.created")
	a := e.incident(t)
	if _, err := e.a.Webhooks.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	// ...while the comment's is due at once: it must wait for it.
	if _, err := e.a.Engine.Comment(ctx, e.ben, a, 0, "Schauen wir uns an.", false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Webhooks.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.received(); len(got) != 0 {
		t.Fatalf("delivered before the earlier event of the ticket: %+v", got)
	}
	// Down altogether for a while, with a second ticket.
	r.answer(http.StatusServiceUnavailable)
	b := e.incident(t)
	if _, err := e.a.Engine.Comment(ctx, e.ben, b, 0, "Auch hier.", false, "de"); err != nil {
		t.Fatal(err)
	}
	e.drain(t, 4)
	if n := len(r.received()); n != 0 {
		t.Fatalf("%d deliveries taken while the receiver was down", n)
	}
	r.refuseEvent("")
	r.answer(http.StatusOK)
	e.drain(t, 8)
	perTicket := map[string][]string{}
	seen := map[string]bool{}
	for _, p := range r.received() {
		if seen[p.Delivery] {
			t.Errorf("delivery %s arrived twice", p.Delivery)
		}
		seen[p.Delivery] = true
		perTicket[p.Ticket.Number] = append(perTicket[p.Ticket.Number], p.Event)
	}
	for _, n := range []string{a, b} {
		if want := []string{"ticket.created", "ticket.commented"}; !slices.Equal(perTicket[n], want) {
			t.Errorf("%s: events %v, want %v", n, perTicket[n], want)
		}
	}
}

// A receiver that refuses a delivery for good (a 4xx) is not asked again;
// the delivery is listed as failed with the reason.
func TestRefusedDeliveryFailsForGood(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	e := newEnv(t, r.srv.URL, true)
	r.answer(http.StatusGone)
	e.incident(t)
	e.drain(t, 5)
	if r.tries != 1 {
		t.Errorf("the receiver was asked %d times, want once", r.tries)
	}
	failed, _, err := e.a.Store.ListOutbox(t.Context(), store.OutboxQuery{State: store.OutboxFailed, Kind: webhook.Kind})
	if err != nil || len(failed) != 1 || failed[0].LastError == "" {
		t.Fatalf("failed deliveries %+v, %v", failed, err)
	}
}

// An administrator sees a failed delivery with its reason and retries it
// once the receiver is fixed; a queued one can be discarded for good.
// Nobody else sees or touches the outbox.
func TestAdministratorRetriesAndDiscards(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	e := newEnv(t, r.srv.URL, true)
	ctx := t.Context()
	if _, err := e.a.Auth.CreateUser(ctx, auth.NewUser{Name: "root", Roles: []string{"admin"}}); err != nil {
		t.Fatal(err)
	}
	root, err := e.a.Auth.Principal(ctx, "root")
	if err != nil {
		t.Fatal(err)
	}
	r.answer(http.StatusBadRequest)
	number := e.incident(t)
	e.drain(t, 1)
	q := store.OutboxQuery{State: store.OutboxFailed, Kind: webhook.Kind}
	if _, _, err := e.a.Engine.Outbox(ctx, e.ben, q); !errors.Is(err, fault.Forbidden) {
		t.Fatalf("a staff member lists the outbox: %v", err)
	}
	failed, _, err := e.a.Engine.Outbox(ctx, root, q)
	if err != nil || len(failed) != 1 || failed[0].Ticket != number || failed[0].Target != "leitstelle" || !strings.Contains(failed[0].LastError, "400") {
		t.Fatalf("failed deliveries %+v, %v", failed, err)
	}
	if _, err := e.a.Engine.RetryOutbox(ctx, e.ben, failed[0].ID); !errors.Is(err, fault.Forbidden) {
		t.Fatalf("a staff member retries: %v", err)
	}
	r.answer(http.StatusOK)
	if _, err := e.a.Engine.RetryOutbox(ctx, root, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Engine.RetryOutbox(ctx, root, failed[0].ID); !errors.Is(err, fault.NotAllowedNow) {
		t.Fatalf("retrying a queued item: %v", err)
	}
	e.drain(t, 1)
	if got := r.received(); len(got) != 1 || got[0].Event != "ticket.created" {
		t.Fatalf("after the retry the receiver got %+v", got)
	}

	r.answer(http.StatusServiceUnavailable)
	if _, err := e.a.Engine.Comment(ctx, e.ben, number, 0, "Noch da?", false, "de"); err != nil {
		t.Fatal(err)
	}
	e.drain(t, 1)
	pending, _, err := e.a.Engine.Outbox(ctx, root, store.OutboxQuery{State: store.OutboxPending, Kind: webhook.Kind})
	if err != nil || len(pending) != 1 || pending[0].Attempts != 1 {
		t.Fatalf("retrying deliveries %+v, %v", pending, err)
	}
	if _, err := e.a.Engine.DiscardOutbox(ctx, root, pending[0].ID); err != nil {
		t.Fatal(err)
	}
	r.answer(http.StatusOK)
	e.drain(t, 3)
	if got := r.received(); len(got) != 1 {
		t.Fatalf("a discarded delivery was posted: %+v", got)
	}
	failed, _, _ = e.a.Engine.Outbox(ctx, root, q)
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "discarded by root") {
		t.Fatalf("failed after the discard: %+v", failed)
	}
}

// Work that keeps failing for over an hour is reported per kind; work that
// failed only recently or never was tried is not.
func TestLongFailingDeliveriesAreReported(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	e := newEnv(t, r.srv.URL, true)
	r.answer(http.StatusServiceUnavailable)
	e.incident(t)
	if _, err := e.a.Webhooks.Deliver(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, err := e.a.Engine.LongFailing(t.Context(), time.Hour); err != nil || len(got) != 0 {
		t.Fatalf("failing for a moment: %+v, %v", got, err)
	}
	e.clk.Advance(3 * time.Hour)
	got, err := e.a.Engine.LongFailing(t.Context(), time.Hour)
	if err != nil || len(got) != 1 || got[0].Kind != webhook.Kind || got[0].Count != 1 {
		t.Fatalf("failing for three hours: %+v, %v", got, err)
	}
}
