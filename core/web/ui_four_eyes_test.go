package web_test

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/ticket"
)

// headsetOrder is the data of a small procurement order: a team lead
// approves it.
var headsetOrder = map[string]any{
	"summary": "Headsets für das Bürgerbüro", "purpose": "Telefonberatung ohne Störgeräusche.", "cost_centre": "KST-4711",
	"items": []any{map[string]any{"article": "Headset USB", "quantity": 6, "unit_price": 89.9}}}

// submitted opens a ticket of the process with data as anna and asks for
// its approval: it waits for the approver.
func (e *uiEnv) submitted(t testing.TB, process string, data map[string]any) *ticket.Ticket {
	t.Helper()
	ctx := t.Context()
	anna, err := e.authn.Principal(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := e.eng.Create(ctx, anna, engine.CreateRequest{Process: process, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if tk, err = e.eng.Transition(ctx, anna, tk.Number, engine.TransitionRequest{Transition: "submit"}); err != nil {
		t.Fatal(err)
	}
	return tk
}

// reasonsOnPage lists the reason codes of the "why not?" disclosure.
func reasonsOnPage(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<li data-reason="([a-z_]+)">`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The ticket page says, in a "why not?" disclosure that works without
// JavaScript, why the user cannot take each other step, and whose approval
// the ticket waits for; an administrator is offered no decision a process
// does not allow them, and a refused decision says why.
func TestTicketPageSaysWhyNot(t *testing.T) {
	env := newUIEnv(t)
	path := "/app/tickets/" + env.submitted(t, "procurement-order", headsetOrder).Number
	requester, admin := env.browser(t), env.browser(t)
	requester.login("anna")
	admin.login("root")

	page := requester.get(path)
	if !strings.Contains(page.body, `<details class="vg-why-not" id="why-not">`) || !strings.Contains(page.body, "<summary>Warum nicht?") {
		t.Fatalf("no why-not disclosure:\n%s", page.body)
	}
	// Her own decision, placing the order (a role), receiving (a state),
	// submitting again (the pending approval); withdrawing she may.
	want := []string{engine.ReasonSelfApproval, engine.ReasonApprovalPending, engine.ReasonRoleRequired,
		engine.ReasonStateMismatch, engine.ReasonStateMismatch}
	if got := reasonsOnPage(page.body); !slices.Equal(got, want) {
		t.Errorf("reasons on the requester's page = %v, want %v", got, want)
	}
	if !strings.Contains(page.body, `id="pending-approval"`) || !strings.Contains(page.body, "Sachgebietsleitung") {
		t.Errorf("the page does not say whose approval is pending")
	}
	if !strings.Contains(page.body, `href="`+path+`/transitions/withdraw"`) {
		t.Errorf("withdrawing is not offered")
	}
	english := env.browser(t)
	english.login("anna")
	if en := english.get(path + "?lang=en"); !strings.Contains(en.body, "<summary>Why not?") || !strings.Contains(en.body, "Team lead") {
		t.Errorf("the English page does not say why not")
	}

	page = admin.get(path)
	if strings.Contains(page.body, `action="`+path+`/decision"`) {
		t.Fatal("an administrator is offered the decision of a team lead's step")
	}
	if got := reasonsOnPage(page.body); len(got) == 0 || got[0] != engine.ReasonRoleRequired {
		t.Errorf("reasons on the admin's page = %v", got)
	}
	res := admin.post(path+"/decision", url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_version": {hidden(t, page.body, "_version")}, "decision": {"approve"}})
	if res.status != http.StatusForbidden || !strings.Contains(res.body, engine.ReasonRoleRequired) || !strings.Contains(res.body, "Sachgebietsleitung") {
		t.Fatalf("an admin's approval: status %d\n%s", res.status, res.body)
	}

	// A step the user may not take says why instead of a bare refusal.
	if p := requester.get(path + "/transitions/order"); p.status != http.StatusForbidden || !strings.Contains(p.body, "Zentrale Vergabestelle") {
		t.Errorf("the order page for the requester: status %d\n%s", p.status, p.body)
	}
}

// Where a process declares admin_override, an administrator decides in
// the approvers' place: the page says so, asks for the reason, and the
// timeline marks the override. Ending the ticket withdraws a pending
// approval, and the timeline says so.
func TestAdminOverrideOnThePage(t *testing.T) {
	env := newUIEnv(t)
	submit := func() string {
		return "/app/tickets/" + env.submitted(t, "urgent-purchase", map[string]any{"summary": "Ersatzakku"}).Number
	}
	path := submit()
	admin, requester := env.browser(t), env.browser(t)
	admin.login("root")
	requester.login("anna")
	page := admin.get(path)
	if !strings.Contains(page.body, `action="`+path+`/decision"`) || !strings.Contains(page.body, `id="decision-override"`) {
		t.Fatalf("the admin is not offered the override:\n%s", page.body)
	}
	form := url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_version": {hidden(t, page.body, "_version")}, "decision": {"approve"}}
	res := admin.post(path+"/decision", form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `aria-invalid="true"`) {
		t.Fatalf("an override without a reason: status %d\n%s", res.status, res.body)
	}
	form.Set("reason", "Teamleitung erkrankt, Akku wird heute gebraucht")
	if res = admin.post(path+"/decision", form); res.status != http.StatusSeeOther {
		t.Fatalf("an override with a reason: status %d\n%s", res.status, res.body)
	}
	page = requester.get(path)
	if !strings.Contains(page.body, `class="vg-badge vg-override"`) || !strings.Contains(page.body, "Teamleitung erkrankt") {
		t.Errorf("the timeline does not mark the override:\n%s", page.body)
	}

	path = submit()
	page = requester.get(path + "/transitions/withdraw")
	res = requester.post(path+"/transitions/withdraw", url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_token": {hidden(t, page.body, "_token")},
		"_version": {hidden(t, page.body, "_version")}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d\n%s", res.status, res.body)
	}
	if page = requester.get(path); !strings.Contains(page.body, "ausstehende Genehmigung wurde damit zurückgezogen") {
		t.Errorf("the timeline does not say the approval was withdrawn:\n%s", page.body)
	}
}

// In a browser without JavaScript the "why not?" disclosure opens with
// the keyboard; opened, the page passes the accessibility scan.
func TestWhyNotDisclosureInTheBrowser(t *testing.T) {
	requireFile(t, axePath, "axe-core")
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	env := newUIEnv(t)
	tk := env.submitted(t, "urgent-purchase", map[string]any{"summary": "Ersatzakku"})
	c := startChrome(t)
	signedIn := func(js bool) *tab {
		tb := c.tab(env.base, js)
		tb.open("/app/login")
		tb.typeText("#login-name", "anna")
		tb.typeText("#login-password", uiPassword)
		tb.submit("button.vg-submit")
		tb.open("/app/tickets/" + tk.Number)
		return tb
	}
	tb := signedIn(false)
	if eval[bool](tb, "document.querySelector('#why-not').open") {
		t.Fatal("the disclosure is open before it is asked for")
	}
	tb.do("open the disclosure", chromedp.Focus(chromedp.CSS("#why-not summary")), chromedp.KeyEvent("\r"))
	if !eval[bool](tb, "document.querySelector('#why-not').open") {
		t.Fatal("Enter on the summary does not open the disclosure")
	}
	if !tb.has(`#why-not li[data-reason="self_approval"]`) {
		t.Error("the disclosure does not explain the requester's own decision")
	}
	// axe itself needs JavaScript.
	tb = signedIn(true)
	eval[bool](tb, "document.querySelector('#why-not').open = true")
	runAxe(t, tb, string(axe))
}

// A transition the engine refuses for what was entered (its guard) is
// shown again with the reason at the field and everything entered kept,
// not turned into "the ticket changed meanwhile".
func TestRefusedTransitionKeepsTheForm(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	tim, _ := env.authn.Principal(ctx, "tim")
	officer := &auth.Principal{User: "viktor", Roles: []string{"procurement-officer"}, Permissions: map[string]bool{"ticket.read_all": true}}
	// Approved and ordered: anna may book the delivery.
	order := env.submitted(t, "procurement-order", headsetOrder)
	if _, err := env.eng.Decide(ctx, tim, order.Number, 0, true, "", "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.Transition(ctx, officer, order.Number, engine.TransitionRequest{Transition: "order", Data: map[string]any{"order_number": "4500012345"}}); err != nil {
		t.Fatal(err)
	}
	b := env.browser(t)
	b.login("anna")
	path := "/app/tickets/" + order.Number + "/transitions/receive"
	page := b.get(path)
	const note = "Ersatzpolster fehlen noch"
	res := b.post(path, url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_token": {hidden(t, page.body, "_token")},
		"_version": {hidden(t, page.body, "_version")}, "delivery_note": {note}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a refused receipt: status %d, location %q", res.status, res.location)
	}
	if !strings.Contains(res.body, "vg-error-summary") || !strings.Contains(res.body, "Lieferung vollständig") || !strings.Contains(res.body, note) {
		t.Errorf("the form is not shown again with the reason and the note:\n%s", res.body)
	}
}
