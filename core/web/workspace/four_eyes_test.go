package workspace_test

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
	"vorgang/core/web/internal/webtest"
)

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
	env := webtest.NewUIEnv(t)
	path := "/app/tickets/" + env.Submitted(t, "procurement-order", webtest.HeadsetOrder).Number
	requester, admin := env.Browser(t), env.Browser(t)
	requester.Login("anna")
	admin.Login("root")

	page := requester.Get(path)
	if !strings.Contains(page.Body, `<details class="vg-why-not" id="why-not">`) || !strings.Contains(page.Body, "<summary>Warum nicht?") {
		t.Fatalf("no why-not disclosure:\n%s", page.Body)
	}
	// Her own decision, placing the order (a role), receiving (a state),
	// submitting again (the pending approval); withdrawing she may.
	want := []string{engine.ReasonSelfApproval, engine.ReasonApprovalPending, engine.ReasonRoleRequired,
		engine.ReasonStateMismatch, engine.ReasonStateMismatch}
	if got := reasonsOnPage(page.Body); !slices.Equal(got, want) {
		t.Errorf("reasons on the requester's page = %v, want %v", got, want)
	}
	if !strings.Contains(page.Body, `id="pending-approval"`) || !strings.Contains(page.Body, "Sachgebietsleitung") {
		t.Errorf("the page does not say whose approval is pending")
	}
	if !strings.Contains(page.Body, `href="`+path+`/transitions/withdraw"`) {
		t.Errorf("withdrawing is not offered")
	}
	english := env.Browser(t)
	english.Login("anna")
	if en := english.Get(path + "?lang=en"); !strings.Contains(en.Body, "<summary>Why not?") || !strings.Contains(en.Body, "Team lead") {
		t.Errorf("the English page does not say why not")
	}

	page = admin.Get(path)
	if strings.Contains(page.Body, `action="`+path+`/decision"`) {
		t.Fatal("an administrator is offered the decision of a team lead's step")
	}
	if got := reasonsOnPage(page.Body); len(got) == 0 || got[0] != engine.ReasonRoleRequired {
		t.Errorf("reasons on the admin's page = %v", got)
	}
	res := admin.Post(path+"/decision", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}, "decision": {"approve"}})
	if res.Status != http.StatusForbidden || !strings.Contains(res.Body, engine.ReasonRoleRequired) || !strings.Contains(res.Body, "Sachgebietsleitung") {
		t.Fatalf("an admin's approval: status %d\n%s", res.Status, res.Body)
	}

	// A step the user may not take says why instead of a bare refusal.
	if p := requester.Get(path + "/transitions/order"); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Zentrale Vergabestelle") {
		t.Errorf("the order page for the requester: status %d\n%s", p.Status, p.Body)
	}
}

// Where a process declares admin_override, an administrator decides in
// the approvers' place: the page says so, asks for the reason, and the
// timeline marks the override. Ending the ticket withdraws a pending
// approval, and the timeline says so.
func TestAdminOverrideOnThePage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	submit := func() string {
		return "/app/tickets/" + env.Submitted(t, "urgent-purchase", map[string]any{"summary": "Ersatzakku"}).Number
	}
	path := submit()
	admin, requester := env.Browser(t), env.Browser(t)
	admin.Login("root")
	requester.Login("anna")
	page := admin.Get(path)
	if !strings.Contains(page.Body, `action="`+path+`/decision"`) || !strings.Contains(page.Body, `id="decision-override"`) {
		t.Fatalf("the admin is not offered the override:\n%s", page.Body)
	}
	form := url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}, "decision": {"approve"}}
	res := admin.Post(path+"/decision", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("an override without a reason: status %d\n%s", res.Status, res.Body)
	}
	form.Set("reason", "Teamleitung erkrankt, Akku wird heute gebraucht")
	if res = admin.Post(path+"/decision", form); res.Status != http.StatusSeeOther {
		t.Fatalf("an override with a reason: status %d\n%s", res.Status, res.Body)
	}
	page = requester.Get(path)
	if !strings.Contains(page.Body, `class="vg-badge vg-override"`) || !strings.Contains(page.Body, "Teamleitung erkrankt") {
		t.Errorf("the timeline does not mark the override:\n%s", page.Body)
	}

	path = submit()
	page = requester.Get(path + "/transitions/withdraw")
	res = requester.Post(path+"/transitions/withdraw", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_token": {webtest.Hidden(t, page.Body, "_token")},
		"_version": {webtest.Hidden(t, page.Body, "_version")}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d\n%s", res.Status, res.Body)
	}
	if page = requester.Get(path); !strings.Contains(page.Body, "ausstehende Genehmigung wurde damit zurückgezogen") {
		t.Errorf("the timeline does not say the approval was withdrawn:\n%s", page.Body)
	}
}

// In a browser without JavaScript the "why not?" disclosure opens with
// the keyboard; opened, the page passes the accessibility scan.
func TestWhyNotDisclosureInTheBrowser(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.NewUIEnv(t)
	tk := env.Submitted(t, "urgent-purchase", map[string]any{"summary": "Ersatzakku"})
	c := webtest.StartChrome(t)
	signedIn := func(js bool) *webtest.Tab {
		tb := c.Tab(env.Base, js)
		tb.Open("/app/login")
		tb.TypeText("#login-name", "anna")
		tb.TypeText("#login-password", webtest.UIPassword)
		tb.Submit("button.vg-submit")
		tb.Open("/app/tickets/" + tk.Number)
		return tb
	}
	tb := signedIn(false)
	if webtest.Eval[bool](tb, "document.querySelector('#why-not').open") {
		t.Fatal("the disclosure is open before it is asked for")
	}
	tb.Do("open the disclosure", chromedp.Focus(chromedp.CSS("#why-not summary")), chromedp.KeyEvent("\r"))
	if !webtest.Eval[bool](tb, "document.querySelector('#why-not').open") {
		t.Fatal("Enter on the summary does not open the disclosure")
	}
	if !tb.Has(`#why-not li[data-reason="self_approval"]`) {
		t.Error("the disclosure does not explain the requester's own decision")
	}
	// axe itself needs JavaScript.
	tb = signedIn(true)
	webtest.Eval[bool](tb, "document.querySelector('#why-not').open = true")
	webtest.RunAxe(t, tb, string(axe))
}

// A transition the engine refuses for what was entered (its guard) is
// shown again with the reason at the field and everything entered kept,
// not turned into "the ticket changed meanwhile".
func TestRefusedTransitionKeepsTheForm(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	tim, _ := env.Authn.Principal(ctx, "tim")
	officer := &auth.Principal{User: "viktor", Roles: []string{"procurement-officer"}, Permissions: map[string]bool{"ticket.read_all": true}}
	// Approved and ordered: anna may book the delivery.
	order := env.Submitted(t, "procurement-order", webtest.HeadsetOrder)
	if _, err := env.Eng.Decide(ctx, tim, order.Number, 0, true, "", "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Transition(ctx, officer, order.Number, engine.TransitionRequest{Transition: "order", Data: map[string]any{"order_number": "4500012345"}}); err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("anna")
	path := "/app/tickets/" + order.Number + "/transitions/receive"
	page := b.Get(path)
	const note = "Ersatzpolster fehlen noch"
	res := b.Post(path, url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_token": {webtest.Hidden(t, page.Body, "_token")},
		"_version": {webtest.Hidden(t, page.Body, "_version")}, "delivery_note": {note}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a refused receipt: status %d, location %q", res.Status, res.Location)
	}
	if !strings.Contains(res.Body, "vg-error-summary") || !strings.Contains(res.Body, "Lieferung vollständig") || !strings.Contains(res.Body, note) {
		t.Errorf("the form is not shown again with the reason and the note:\n%s", res.Body)
	}
}
