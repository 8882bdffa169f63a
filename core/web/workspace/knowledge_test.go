package workspace_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// editorRole gives knowledge.write to a role the test users can hold.
var editorRole = definition.File{Path: "roles/kb-editor.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Role
id: kb-editor
title: {de: Redaktion, en: Editors}
permissions: [knowledge.write]
`)}

// kbEnv is the app with an editor of the IT first level ("kira").
func kbEnv(t *testing.T) *webtest.UIEnv {
	t.Helper()
	env := webtest.NewUIEnv(t, webtest.UIOptions{Files: []definition.File{editorRole}})
	if _, err := env.Authn.CreateUser(context.Background(), auth.NewUser{Name: "kira", DisplayName: "Kira Kunz", Password: webtest.UIPassword,
		Teams: []string{"it-1st-level"}, Roles: []string{"kb-editor"}}); err != nil {
		t.Fatal(err)
	}
	return env
}

// writeArticle creates an article through the editor and returns its
// number.
func writeArticle(t *testing.T, b *webtest.Browser, title, body, visibility, team string) string {
	t.Helper()
	p := b.Get("/app/knowledge/new")
	if p.Status != http.StatusOK {
		t.Fatalf("editor: %d", p.Status)
	}
	res := b.Post("/app/knowledge", url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "title_de": {title}, "body_de": {body},
		"title_en": {title + " (en)"}, "category": {"Drucken"}, "tags": {"drucker, toner"}, "visibility": {visibility}, "team": {team}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/app/knowledge/KB-") {
		t.Fatalf("create: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(res.Location, "/app/knowledge/"), "?notice=created")
}

// TestKnowledgePages: an editor writes, edits and compares versions; a
// save over a newer version is refused with the text kept; who may read
// what follows the visibility, on the list, the article and the search.
func TestKnowledgePages(t *testing.T) {
	env := kbEnv(t)
	kira := env.Browser(t)
	kira.Login("kira")
	pub := writeArticle(t, kira, "Toner wechseln", "Die **Klappe** öffnen.\n<script>alert(1)</script>", "public", "")
	team := writeArticle(t, kira, "Drucker-Passwort", "Nur für die IT.", "team", "it-1st-level")

	t.Run("article is rendered and sanitised", func(t *testing.T) {
		p := kira.Get("/app/knowledge/" + pub)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "<strong>Klappe</strong>") || strings.Contains(p.Body, "alert(1)") {
			t.Fatalf("article page %d:\n%s", p.Status, p.Body)
		}
	})

	t.Run("edit with optimistic concurrency", func(t *testing.T) {
		first := kira.Get("/app/knowledge/" + pub + "/edit")
		second := kira.Get("/app/knowledge/" + pub + "/edit")
		form := func(page, body string) url.Values {
			return url.Values{"_csrf": {webtest.Hidden(t, page, "_csrf")}, "_version": {webtest.Hidden(t, page, "_version")},
				"title_de": {"Toner wechseln"}, "body_de": {body}, "category": {"Drucken"}, "tags": {"drucker"}, "visibility": {"public"}}
		}
		if res := kira.Post("/app/knowledge/"+pub, form(first.Body, "Die Klappe öffnen.\nDen Toner ziehen.")); res.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d\n%s", res.Status, res.Body)
		}
		res := kira.Post("/app/knowledge/"+pub, form(second.Body, "Mein eigener Text"))
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Mein eigener Text") {
			t.Fatalf("save over a newer version: %d\n%s", res.Status, res.Body)
		}
		v := kira.Get("/app/knowledge/" + pub + "/versions")
		if v.Status != http.StatusOK || !strings.Contains(v.Body, `name="from" value="1"`) {
			t.Fatalf("versions: %d\n%s", v.Status, v.Body)
		}
		d := kira.Get("/app/knowledge/" + pub + "/diff?from=1&to=2")
		if d.Status != http.StatusOK || !strings.Contains(d.Body, "+ Den Toner ziehen.") {
			t.Fatalf("diff: %d\n%s", d.Status, d.Body)
		}
	})

	t.Run("invalid post shows the fields", func(t *testing.T) {
		p := kira.Get("/app/knowledge/new")
		res := kira.Post("/app/knowledge", url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "body_de": {"ohne Titel"}, "visibility": {"public"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `href="#kb-title-de"`) || !strings.Contains(res.Body, `href="#kb-category"`) {
			t.Fatalf("invalid article: %d\n%s", res.Status, res.Body)
		}
	})

	cases := []struct {
		user     string
		sees     []string
		hidden   []string
		mayWrite bool
	}{
		{"ben", []string{pub, team}, nil, false},       // same team, no write permission
		{"dora", []string{pub}, []string{team}, false}, // another team
		{"root", []string{pub, team}, nil, true},
	}
	for _, c := range cases {
		t.Run("reader "+c.user, func(t *testing.T) {
			b := env.Browser(t)
			b.Login(c.user)
			list := b.Get("/app/knowledge?q=drucker")
			search := b.Get("/app/search?q=drucker")
			for _, n := range c.sees {
				if !strings.Contains(list.Body, n) || !strings.Contains(search.Body, n) {
					t.Errorf("%s does not find %s", c.user, n)
				}
				if p := b.Get("/app/knowledge/" + n); p.Status != http.StatusOK {
					t.Errorf("%s opens %s: %d", c.user, n, p.Status)
				}
			}
			for _, n := range c.hidden {
				if strings.Contains(list.Body, n) || strings.Contains(search.Body, n) {
					t.Errorf("%s finds %s", c.user, n)
				}
				if p := b.Get("/app/knowledge/" + n); p.Status != http.StatusNotFound {
					t.Errorf("%s opens %s: %d", c.user, n, p.Status)
				}
			}
			if p := b.Get("/app/knowledge/new"); (p.Status == http.StatusOK) != c.mayWrite {
				t.Errorf("%s opens the editor: %d", c.user, p.Status)
			}
		})
	}
}

// TestArticleIntoReply: from a ticket, a public article's link or its
// text goes into the public reply; posting it counts a use of the article.
func TestArticleIntoReply(t *testing.T) {
	env := kbEnv(t)
	kira := env.Browser(t)
	kira.Login("kira")
	pub := writeArticle(t, kira, "Sperrmüll anmelden", "So geht es. **Montags.** [Termine](https://stadt.example/termine)", "public", "")
	tk, err := env.Eng.Create(t.Context(), nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Sperrmüll", "category": "other", "description": "Wann wird abgeholt?", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	root := env.Browser(t)
	root.Login("root")
	path := "/app/tickets/" + tk.Number
	found := root.Get(path + "?kb=sperrmuell")
	if !strings.Contains(found.Body, path+"?article="+pub) {
		t.Fatalf("the ticket page offers no link to %s (umlaut folding):\n%s", pub, found.Body)
	}
	filled := root.Get(path + "?article=" + pub)
	if !strings.Contains(filled.Body, "/portal/help/"+pub+"</textarea>") || strings.Contains(filled.Body, `name="internal" value="on" checked`) {
		t.Fatalf("the reply is not filled as a public reply:\n%s", filled.Body)
	}
	// Or its text, without markup, the addresses of its links kept, the
	// article's link below it.
	if !strings.Contains(found.Body, path+"?article="+pub+"&amp;insert=text") {
		t.Fatalf("the ticket page offers no text of %s:\n%s", pub, found.Body)
	}
	quoted := root.Get(path + "?article=" + pub + "&insert=text")
	if !strings.Contains(quoted.Body, ">Sperrmüll anmelden\n\nSo geht es. Montags. Termine (https://stadt.example/termine)\n\n") || !strings.Contains(quoted.Body, "/portal/help/"+pub+"</textarea>") ||
		strings.Contains(quoted.Body, "**") || strings.Contains(quoted.Body, `name="internal" value="on" checked`) {
		t.Fatalf("the reply is not filled with the text as a public reply:\n%s", quoted.Body)
	}
	text := "Sperrmüll anmelden\n" + env.Base + "/portal/help/" + pub
	res := root.PostMultipart(path+"/comments", url.Values{"_csrf": {webtest.Hidden(t, filled.Body, "_csrf")}, "_version": {webtest.Hidden(t, filled.Body, "_version")}, "text": {text}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d\n%s", res.Status, res.Body)
	}
	art := kira.Get("/app/knowledge/" + pub)
	if !strings.Contains(art.Body, "<dt>In Antworten verwendet</dt><dd>1</dd>") {
		t.Errorf("the use is not counted:\n%s", art.Body)
	}
}
