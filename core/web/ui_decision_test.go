package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// orderAwaitingApproval is anna's procurement order, submitted and waiting
// for its approval.
func orderAwaitingApproval(t *testing.T, env *uiEnv) *store.Ticket {
	t.Helper()
	ctx := t.Context()
	anna, _ := env.authn.Principal(ctx, "anna")
	order, err := env.eng.Create(ctx, anna, engine.CreateRequest{Process: "procurement-order", Data: map[string]any{
		"summary": "Headsets für das Bürgerbüro", "purpose": "Telefonberatung ohne Störgeräusche.", "cost_centre": "KST-4711",
		"items": []any{map[string]any{"article": "Headset USB", "quantity": 6, "unit_price": 89.9}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.Transition(ctx, anna, order.Number, engine.TransitionRequest{Transition: "submit"}); err != nil {
		t.Fatal(err)
	}
	return order
}

// An approver decides on the ticket page: the form is offered to the one
// who may decide the waiting step and to nobody else; a rejection without
// a reason is refused with the field named; an approval runs the
// transition.
func TestApprovalDecisionOnTheTicketPage(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	order := orderAwaitingApproval(t, env)
	path := "/app/tickets/" + order.Number
	requester, approver := env.browser(t), env.browser(t)
	requester.login("anna")
	approver.login("root")
	if p := requester.get(path); p.status != http.StatusOK || strings.Contains(p.body, `action="`+path+`/decision"`) {
		t.Fatalf("the requester is offered a decision on her own request (status %d)", p.status)
	}
	page := approver.get(path)
	if !strings.Contains(page.body, `action="`+path+`/decision"`) {
		t.Fatalf("the approver is not offered the decision:\n%s", page.body)
	}
	csrf, version := hidden(t, page.body, "_csrf"), hidden(t, page.body, "_version")

	res := approver.post(path+"/decision", url.Values{"_csrf": {csrf}, "_version": {version}, "decision": {"reject"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `href="#decision-reason"`) ||
		!strings.Contains(res.body, `aria-invalid="true"`) {
		t.Fatalf("a rejection without a reason: status %d\n%s", res.status, res.body)
	}
	if p := requester.post(path+"/decision", url.Values{"_csrf": {hidden(t, requester.get(path).body, "_csrf")}, "_version": {version}, "decision": {"approve"}}); p.status != http.StatusForbidden {
		t.Errorf("the requester approves her own request: status %d", p.status)
	}
	res = approver.post(path+"/decision", url.Values{"_csrf": {csrf}, "_version": {version}, "decision": {"approve"}})
	if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location, "?notice=approved") {
		t.Fatalf("approve: status %d, location %q", res.status, res.location)
	}
	after, err := env.st.Ticket(ctx, order.Number)
	if err != nil || after.State != "approved" || engine.PendingApproval(after) != nil {
		t.Fatalf("after the approval: %+v, %v", after, err)
	}
}

// A transition's comment marked internal on the page reaches staff, not
// the requester, who still sees the step.
func TestInternalTransitionCommentOnThePage(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	anna, _ := env.authn.Principal(ctx, "anna")
	ben, _ := env.authn.Principal(ctx, "ben")
	tk, err := env.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Monitor flackert", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	agent, requester := env.browser(t), env.browser(t)
	agent.login("ben")
	requester.login("anna")
	path := "/app/tickets/" + tk.Number
	form := agent.get(path + "/transitions/ask_requester")
	if !strings.Contains(form.body, `name="_comment_internal"`) {
		t.Fatalf("no internal checkbox for staff:\n%s", form.body)
	}
	const note = "Grafikkarte vermutlich defekt, Tausch vorbereitet"
	res := agent.post(path+"/transitions/ask_requester", url.Values{"_csrf": {hidden(t, form.body, "_csrf")}, "_token": {hidden(t, form.body, "_token")},
		"_version": {hidden(t, form.body, "_version")}, "_comment": {note}, "_comment_internal": {"on"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("transition: status %d\n%s", res.status, res.body)
	}
	if p := agent.get(path); !strings.Contains(p.body, note) {
		t.Error("staff do not see the internal comment")
	}
	if p := requester.get(path); p.status != http.StatusOK || strings.Contains(p.body, note) {
		t.Errorf("the requester's page (status %d) shows the internal comment", p.status)
	}
	if p := requester.get(path + "/transitions/reply"); strings.Contains(p.body, `name="_comment_internal"`) {
		t.Error("the requester is offered an internal comment")
	}
}

// Staff attach a file to a comment on the ticket page; whoever sees the
// comment can open the file, and an internal comment's file stays with
// staff.
func TestCommentWithAFile(t *testing.T) {
	env := newUIEnv(t)
	ctx := t.Context()
	anna, _ := env.authn.Principal(ctx, "anna")
	tk, err := env.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker zeigt Fehler", "category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	agent, requester := env.browser(t), env.browser(t)
	agent.login("ben")
	requester.login("anna")
	path := "/app/tickets/" + tk.Number
	fileLinks := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `/files/att-[a-z0-9]+)"`)

	var links []string
	for _, internal := range []string{"", "on"} {
		page := agent.get(path)
		form := url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_version": {hidden(t, page.body, "_version")}, "text": {"Fehlerbild anbei"}}
		if internal != "" {
			form.Set("internal", internal)
		}
		res := agent.postMultipart(path+"/comments", form, filePart{"file", "fehler.png", pngBytes})
		if res.status != http.StatusSeeOther {
			t.Fatalf("comment with a file: status %d\n%s", res.status, res.body)
		}
		found := fileLinks.FindAllStringSubmatch(agent.get(path).body, -1)
		if len(found) != len(links)+1 {
			t.Fatalf("file links on the staff page: %v", found)
		}
		for _, m := range found {
			if !slices.Contains(links, m[1]) {
				links = append(links, m[1])
			}
		}
	}
	public, internal := links[0], links[1]
	if p := requester.get(public); p.status != http.StatusOK {
		t.Errorf("the requester cannot open the file of a public comment: %d", p.status)
	}
	if p := requester.get(internal); p.status != http.StatusNotFound {
		t.Errorf("the requester opens the file of an internal comment: %d", p.status)
	}
	page := agent.get(path)
	res := agent.postMultipart(path+"/comments", url.Values{"_csrf": {hidden(t, page.body, "_csrf")}, "_version": {hidden(t, page.body, "_version")}},
		filePart{"file", "programm.exe", []byte("MZ\x90\x00 not an image")})
	if res.status != http.StatusUnprocessableEntity {
		t.Errorf("a file of a refused type: status %d", res.status)
	}
}
