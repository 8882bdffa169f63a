package workspace_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/web/internal/webtest"
)

// reviewDefs declare the category "Gebühren" reviewed by the role
// kb-review before publishing.
var reviewDefs = []definition.File{editorRole, {Path: "roles/kb-review.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Role
id: kb-review
title: {de: Freigabe, en: Approval}
permissions: [knowledge.write]
`)}, {Path: "knowledge/gebuehren.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: KnowledgeCategory
id: gebuehren
title: {de: Gebühren, en: Fees}
review:
  role: kb-review
`)}}

// reviewEnv has kira (editor), rolf and rita (reviewers), karl (editor
// without the reviewer role) and sven (staff who may not write).
func reviewEnv(t *testing.T) *webtest.UIEnv {
	t.Helper()
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: reviewDefs})
	for _, u := range []auth.NewUser{
		{Name: "kira", Roles: []string{"kb-editor"}},
		{Name: "rolf", Roles: []string{"kb-editor", "kb-review"}},
		{Name: "rita", Roles: []string{"kb-review"}},
		{Name: "karl", Roles: []string{"kb-editor"}},
		{Name: "sven", Teams: []string{"it-1st-level"}},
	} {
		u.DisplayName, u.Password = u.Name, webtest.UIPassword
		if _, err := env.Authn.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// saveFee writes the article (number "": a new one) in the reviewed
// category and returns its number and the notice of the answer.
func saveFee(t *testing.T, b *webtest.Browser, number, title string) (string, string) {
	t.Helper()
	path, form := "/app/knowledge/new", url.Values{}
	if number != "" {
		path = "/app/knowledge/" + number + "/edit"
	}
	p := b.Get(path)
	if p.Status != http.StatusOK {
		t.Fatalf("editor: %d", p.Status)
	}
	form.Set("_csrf", webtest.Hidden(t, p.Body, "_csrf"))
	target := "/app/knowledge"
	if number != "" {
		form.Set("_version", webtest.Hidden(t, p.Body, "_version"))
		target += "/" + number
	}
	for k, v := range map[string]string{"title_de": title, "body_de": "Der Ausweis kostet 37 Euro.\n\n![Antrag](antrag.png)", "category": "gebühren", "visibility": "public"} {
		form.Set(k, v)
	}
	res := b.Post(target, form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.Status, res.Body)
	}
	n, notice, _ := strings.Cut(strings.TrimPrefix(res.Location, "/app/knowledge/"), "?notice=")
	return n, notice
}

// decide posts a decision on the pending version shown on the article
// page (the page of an editor who sees it).
func decide(t *testing.T, b *webtest.Browser, number, decision, version string) webtest.Page {
	t.Helper()
	p := b.Get("/app/knowledge/" + number)
	return b.Post("/app/knowledge/"+number+"/"+decision, url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "_version": {version}})
}

// TestKnowledgeReviewStep: a version saved in a reviewed category waits
// for a reviewer other than its author; the portal serves the published
// text meanwhile.
func TestKnowledgeReviewStep(t *testing.T) {
	env := reviewEnv(t)
	kira, rolf, citizen := env.Browser(t), env.Browser(t), env.Browser(t)
	kira.Login("kira")
	rolf.Login("rolf")
	number, notice := saveFee(t, kira, "", "Personalausweis")
	if notice != "pending" {
		t.Fatalf("new article in a reviewed category: notice %q, want pending", notice)
	}
	if p := citizen.Get("/portal/help/" + number); p.Status != http.StatusNotFound {
		t.Errorf("portal before the first approval: %d, want 404", p.Status)
	}
	if p := kira.Get("/app/knowledge/" + number); !strings.Contains(p.Body, `id="kb-pending"`) || strings.Contains(p.Body, "/approve") {
		t.Errorf("author's page: wants the waiting panel without an approve button")
	}
	if p := rolf.Get("/app/knowledge"); !strings.Contains(p.Body, `id="kb-awaiting-title"`) || !strings.Contains(p.Body, number) {
		t.Errorf("reviewer's list does not offer %s for approval", number)
	}
	if res := decide(t, rolf, number, "approve", "1"); res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "notice=approved") {
		t.Fatalf("approve: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	if p := citizen.Get("/portal/help/" + number); p.Status != http.StatusOK || !strings.Contains(p.Body, "Personalausweis") {
		t.Fatalf("portal after the approval: %d", p.Status)
	}

	// An edit waits; the portal keeps the published text.
	if _, notice := saveFee(t, kira, number, "Personalausweis beantragen"); notice != "pending" {
		t.Fatalf("edit: notice %q", notice)
	}
	if p := citizen.Get("/portal/help/" + number); strings.Contains(p.Body, "beantragen") {
		t.Errorf("portal shows the waiting text")
	}
	if p := kira.Get("/app/knowledge/" + number + "/edit"); !strings.Contains(p.Body, "Personalausweis beantragen") {
		t.Errorf("editor does not go on from the waiting version")
	}
	if res := decide(t, rolf, number, "approve", "2"); res.Status != http.StatusConflict {
		t.Errorf("approving a version that no longer waits: %d, want 409", res.Status)
	}
	if res := decide(t, rolf, number, "approve", "3"); res.Status != http.StatusSeeOther {
		t.Fatalf("approve the edit: %d", res.Status)
	}
	if p := citizen.Get("/portal/help/" + number); !strings.Contains(p.Body, "beantragen") {
		t.Errorf("portal after approving the edit shows the old text")
	}
	v := kira.Get("/app/knowledge/" + number + "/versions?lang=en")
	for _, want := range []string{"approves version 1", "approves version 3"} {
		if !strings.Contains(v.Body, want) {
			t.Errorf("versions page lacks %q", want)
		}
	}

	// Withdrawn by its author: the published text stays.
	saveFee(t, kira, number, "Falscher Titel")
	if res := decide(t, kira, number, "reject", "5"); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.Status)
	}
	if p := kira.Get("/app/knowledge/" + number); strings.Contains(p.Body, `id="kb-pending"`) || strings.Contains(p.Body, "Falscher") {
		t.Errorf("after withdrawing, the article still shows the waiting version")
	}
}

// TestKnowledgeApprovalAuthorization: who may approve a waiting version;
// the refusal's code is on the error page.
func TestKnowledgeApprovalAuthorization(t *testing.T) {
	env := reviewEnv(t)
	kira := env.Browser(t)
	kira.Login("kira")
	cases := []struct {
		who    string
		status int
		code   string
	}{
		{"kira", http.StatusForbidden, "own_article_version"},   // the author (four eyes)
		{"karl", http.StatusForbidden, "article_reviewer_role"}, // a writer without the reviewer role
		{"sven", http.StatusForbidden, "forbidden"},             // staff who may not write
		{"rita", http.StatusSeeOther, ""},                       // the reviewer role, which gives knowledge.write too
		{"rolf", http.StatusSeeOther, ""},                       // an editor and reviewer
		{"root", http.StatusSeeOther, ""},                       // an administrator
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			number, _ := saveFee(t, kira, "", "Gebühr "+c.who)
			b := env.Browser(t)
			b.Login(c.who)
			csrf := webtest.Hidden(t, b.Get("/app/knowledge").Body, "_csrf")
			res := b.Post("/app/knowledge/"+number+"/approve", url.Values{"_csrf": {csrf}, "_version": {"1"}})
			if res.Status != c.status {
				t.Fatalf("approve as %s: %d, want %d\n%s", c.who, res.Status, c.status, res.Body)
			}
			if c.code != "" && !strings.Contains(res.Body, c.code) {
				t.Errorf("approve as %s: the page does not name the code %s", c.who, c.code)
			}
		})
	}
}
