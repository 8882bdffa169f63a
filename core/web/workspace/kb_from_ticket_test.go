package workspace_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webtest"
)

var fromAnswerLink = regexp.MustCompile(`href="(/app/knowledge/new\?entry=(\d+)&amp;ticket=[^"]+)"`)

// TestArticleFromTicketAnswer: the page of a resolved ticket offers each
// public answer of staff as the start of an article; the editor gets the
// ticket's title and the answer with the requester's personal data
// replaced; internal comments, the requester's own words and tickets the
// writer may not read are refused.
func TestArticleFromTicketAnswer(t *testing.T) {
	env := kbEnv(t)
	ctx := t.Context()
	if _, err := env.Authn.CreateUser(context.Background(), auth.NewUser{Name: "olga", DisplayName: "Olga", Password: webtest.UIPassword,
		Teams: []string{"roads-office"}}); err != nil {
		t.Fatal(err)
	}
	data := map[string]any{}
	for k, v := range webtest.StreetlightRequest {
		data[k] = v
	}
	data["contact_name"], data["email"] = "Erika Mustermann", "erika.m@example.org"
	tk, err := env.Eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := env.Authn.Principal(ctx, "root")
	if _, err := env.Eng.Transition(ctx, root, tk.Number, engine.TransitionRequest{Transition: "accept"}); err != nil {
		t.Fatal(err)
	}
	answer := "Guten Tag Frau Mustermann,\nwir haben die Laterne repariert. Eine Bestätigung ging an erika.m@example.org."
	if _, err := env.Eng.Comment(ctx, root, tk.Number, 0, answer, false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Comment(ctx, root, tk.Number, 0, "Intern: Frau Mustermann anrufen", true, "de"); err != nil {
		t.Fatal(err)
	}
	admin := env.Browser(t)
	admin.Login("root")
	if p := admin.Get("/app/tickets/" + tk.Number); fromAnswerLink.MatchString(p.Body) {
		t.Errorf("an open ticket offers its answers as articles")
	}
	if _, err := env.Eng.Transition(ctx, root, tk.Number, engine.TransitionRequest{Transition: "answer", Comment: "Repariert."}); err != nil {
		t.Fatal(err)
	}
	p := admin.Get("/app/tickets/" + tk.Number)
	links := fromAnswerLink.FindAllStringSubmatch(p.Body, -1)
	if len(links) != 2 {
		t.Fatalf("resolved ticket: %d answers offered, want 2 (the comment and the answering transition)", len(links))
	}
	v, err := env.Eng.View(ctx, root, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	var commentSeq, internalSeq, createdSeq int64
	for _, e := range v.History {
		c, _ := e.Decode()
		switch x := c.(type) {
		case ticket.Commented:
			if x.Internal {
				internalSeq = e.Seq
			} else {
				commentSeq = e.Seq
			}
		case ticket.Created:
			createdSeq = e.Seq
		}
	}
	editor := admin.Get("/app/knowledge/new?ticket=" + tk.Number + "&entry=" + strconv.FormatInt(commentSeq, 10))
	if editor.Status != http.StatusOK {
		t.Fatalf("editor from the answer: %d", editor.Status)
	}
	for _, want := range []string{tk.Title, "wir haben die Laterne repariert", "Guten Tag Frau […]", "ging an […]."} {
		if !strings.Contains(editor.Body, want) {
			t.Errorf("editor lacks %q", want)
		}
	}
	for _, personal := range []string{"Mustermann", "erika.m@example.org", "Erika"} {
		if strings.Contains(editor.Body, personal) {
			t.Errorf("editor carries the requester's %q", personal)
		}
	}
	olga := env.Browser(t)
	olga.Login("olga")
	kira := env.Browser(t)
	kira.Login("kira")
	cases := []struct {
		name   string
		b      *webtest.Browser
		entry  int64
		status int
	}{
		{"an internal comment", admin, internalSeq, http.StatusNotFound},
		{"the citizen's request", admin, createdSeq, http.StatusNotFound},
		{"a writer who may not read the ticket", kira, commentSeq, http.StatusNotFound},
		{"staff who may not write articles", olga, commentSeq, http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.b.Get("/app/knowledge/new?ticket=" + tk.Number + "&entry=" + strconv.FormatInt(c.entry, 10)); got.Status != c.status {
				t.Errorf("status %d, want %d", got.Status, c.status)
			}
		})
	}
	if p := olga.Get("/app/tickets/" + tk.Number); p.Status != http.StatusOK || fromAnswerLink.MatchString(p.Body) {
		t.Errorf("staff who may not write articles: %d, offered %v", p.Status, fromAnswerLink.MatchString(p.Body))
	}
}
