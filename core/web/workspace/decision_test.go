package workspace_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// An approver decides on the ticket page: the form is offered to the one
// who may decide the waiting step (a team lead) and to nobody else; a rejection without
// a reason is refused with the field named; an approval runs the
// transition.
func TestApprovalDecisionOnTheTicketPage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	order := env.Submitted(t, "procurement-order", webtest.HeadsetOrder)
	path := "/app/tickets/" + order.Number
	requester, approver := env.Browser(t), env.Browser(t)
	requester.Login("anna")
	approver.Login("tim")
	if p := requester.Get(path); p.Status != http.StatusOK || strings.Contains(p.Body, `action="`+path+`/decision"`) {
		t.Fatalf("the requester is offered a decision on her own request (status %d)", p.Status)
	}
	page := approver.Get(path)
	if !strings.Contains(page.Body, `action="`+path+`/decision"`) {
		t.Fatalf("the approver is not offered the decision:\n%s", page.Body)
	}
	csrf, version := webtest.Hidden(t, page.Body, "_csrf"), webtest.Hidden(t, page.Body, "_version")

	res := approver.Post(path+"/decision", url.Values{"_csrf": {csrf}, "_version": {version}, "decision": {"reject"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `href="#decision-reason"`) ||
		!strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("a rejection without a reason: status %d\n%s", res.Status, res.Body)
	}
	if p := requester.Post(path+"/decision", url.Values{"_csrf": {webtest.Hidden(t, requester.Get(path).Body, "_csrf")}, "_version": {version}, "decision": {"approve"}}); p.Status != http.StatusForbidden {
		t.Errorf("the requester approves her own request: status %d", p.Status)
	}
	res = approver.Post(path+"/decision", url.Values{"_csrf": {csrf}, "_version": {version}, "decision": {"approve"}})
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "?notice=approved") {
		t.Fatalf("approve: status %d, location %q", res.Status, res.Location)
	}
	after, err := env.St.Ticket(t.Context(), order.Number)
	if err != nil || after.State != "approved" || engine.PendingApproval(after) != nil {
		t.Fatalf("after the approval: %+v, %v", after, err)
	}
}

// A transition's comment marked internal on the page reaches staff, not
// the requester, who still sees the step.
func TestInternalTransitionCommentOnThePage(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	anna, _ := env.Authn.Principal(ctx, "anna")
	tk, err := env.Eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Monitor flackert", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	// cancel tells nobody by mail (ask_requester mails the question, so
	// its comment is the requester's to read).
	agent, requester := env.Browser(t), env.Browser(t)
	agent.Login("ben")
	requester.Login("anna")
	path := "/app/tickets/" + tk.Number
	if p := requester.Get(path + "/transitions/cancel"); p.Status != http.StatusOK || strings.Contains(p.Body, `name="_comment_internal"`) {
		t.Errorf("the requester's cancel form (status %d) offers an internal comment", p.Status)
	}
	form := agent.Get(path + "/transitions/cancel")
	if !strings.Contains(form.Body, `name="_comment_internal"`) {
		t.Fatalf("no internal checkbox for staff:\n%s", form.Body)
	}
	const note = "Grafikkarte vermutlich defekt, Tausch vorbereitet"
	res := agent.Post(path+"/transitions/cancel", url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "_token": {webtest.Hidden(t, form.Body, "_token")},
		"_version": {webtest.Hidden(t, form.Body, "_version")}, "_comment": {note}, "_comment_internal": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("transition: status %d\n%s", res.Status, res.Body)
	}
	if p := agent.Get(path); !strings.Contains(p.Body, note) {
		t.Error("staff do not see the internal comment")
	}
	if p := requester.Get(path); p.Status != http.StatusOK || strings.Contains(p.Body, note) {
		t.Errorf("the requester's page (status %d) shows the internal comment", p.Status)
	}
}

// Staff attach a file to a comment on the ticket page; whoever sees the
// comment can open the file, and an internal comment's file stays with
// staff.
func TestCommentWithAFile(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	anna, _ := env.Authn.Principal(ctx, "anna")
	tk, err := env.Eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker zeigt Fehler", "category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	agent, requester := env.Browser(t), env.Browser(t)
	agent.Login("ben")
	requester.Login("anna")
	path := "/app/tickets/" + tk.Number
	fileLinks := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `/files/att-[a-z0-9]+)"`)

	var links []string
	for _, internal := range []string{"", "on"} {
		page := agent.Get(path)
		form := url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}, "text": {"Fehlerbild anbei"}}
		if internal != "" {
			form.Set("internal", internal)
		}
		res := agent.PostMultipart(path+"/comments", form, webtest.FilePart{Field: "file", Name: "fehler.png", Data: webtest.PNGBytes})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("comment with a file: status %d\n%s", res.Status, res.Body)
		}
		found := fileLinks.FindAllStringSubmatch(agent.Get(path).Body, -1)
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
	if p := requester.Get(public); p.Status != http.StatusOK {
		t.Errorf("the requester cannot open the file of a public comment: %d", p.Status)
	}
	if p := requester.Get(internal); p.Status != http.StatusNotFound {
		t.Errorf("the requester opens the file of an internal comment: %d", p.Status)
	}
	page := agent.Get(path)
	res := agent.PostMultipart(path+"/comments", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}},
		webtest.FilePart{Field: "file", Name: "programm.exe", Data: []byte("MZ\x90\x00 not an image")})
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a file of a refused type: status %d", res.Status)
	}
}
