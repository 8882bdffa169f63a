package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestDeflectionCounts: the articles offered beside a request form go
// with the form as hidden fields (without a script), an article counts as
// shown once per form however often the list is refreshed, and a sent
// form counts as submitted for the articles it reports; the article page
// shows shown, sent anyway and left without sending. Numbers that are no
// public article are not counted.
func TestDeflectionCounts(t *testing.T) {
	env := webtest.NewUIEnv(t)
	pub, internal, _ := kbArticles(t, env)

	// The first citizen is offered the article, then sends the request.
	anna := env.Browser(t)
	form := webtest.CitizenForm(t, anna)
	form.Set("summary", "Sperrmüll")
	email := form.Get("email")
	form.Del("email")
	res := anna.Post("/portal/new/citizen-report", form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("post without e-mail: %d", res.Status)
	}
	hidden := `<input type="hidden" name="_kb_shown" value="` + pub + `" form="form-`
	if !strings.Contains(res.Body, hidden) {
		t.Fatalf("the form shown again does not carry the offered article:\n%s", res.Body)
	}
	// The script's refresh, told the article was offered, does not count
	// it again and keeps it among the hidden fields.
	frag := anna.Get("/portal/help/suggest?q=sperrm%C3%BCll&shown=" + pub + "&form=form-citizen-report")
	if !strings.Contains(frag.Body, `name="_kb_shown" value="`+pub+`" form="form-citizen-report"`) {
		t.Errorf("refreshed list lost the hidden field:\n%s", frag.Body)
	}
	if frag := anna.Get("/portal/help/suggest?q=x&form=%22%3E%3Cscript%3E"); strings.Contains(frag.Body, "<script>") {
		t.Errorf("the form id is echoed unchecked")
	}
	form.Set("email", email)
	form.Set("_token", webtest.Hidden(t, res.Body, "_token"))
	form["_kb_shown"] = []string{pub, internal, "KB-999", "nonsense"}
	if res := anna.Post("/portal/new/citizen-report", form); res.Status != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", res.Status, res.Body)
	}

	// The second citizen is offered it while typing and leaves.
	ben := env.Browser(t)
	ben.Get("/portal/help/suggest?q=sperrm%C3%BCll&form=form-citizen-report")

	root := env.Browser(t)
	root.Login("root")
	p := root.Get("/app/knowledge/" + pub + "?lang=en")
	for _, want := range []string{"<dt>Suggested on the portal</dt><dd>2</dd>", "<dt>Request sent anyway afterwards</dt><dd>1</dd>",
		"<dt>Left without sending a request</dt><dd>1</dd>"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	if p := root.Get("/app/knowledge/" + internal + "?lang=en"); !strings.Contains(p.Body, "<dt>Request sent anyway afterwards</dt><dd>0</dd>") {
		t.Errorf("an internal article named by the browser was counted")
	}
}
