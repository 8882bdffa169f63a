package portal_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webtest"
)

// offerField finds the hidden field of a form's offering of articles.
var offerField = regexp.MustCompile(`<input type="hidden" name="_kb_offer" value="([0-9a-f]{32})" form="form-citizen-report">`)

// TestDeflectionCounts: the articles offered beside a request form are
// recorded in one offering whose id the form carries in a hidden field
// (without a script, and through the script's refreshes); an article
// counts as shown once per form; a form sent with the id counts its
// articles as submitted; an offering not sent within the window counts
// as left when the hourly run closes it. The workspace shows the counts
// on the article page, per month and in the list.
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
	m := offerField.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("the form shown again does not carry its offering:\n%s", res.Body)
	}
	offer := m[1]
	// The script's refresh, given the offering, records into it and
	// keeps it as the hidden field.
	frag := anna.Get("/portal/help/suggest?q=sperrm%C3%BCll&offer=" + offer + "&form=form-citizen-report")
	if m := offerField.FindStringSubmatch(frag.Body); m == nil || m[1] != offer {
		t.Errorf("refreshed list lost the offering:\n%s", frag.Body)
	}
	if frag := anna.Get("/portal/help/suggest?q=x&form=%22%3E%3Cscript%3E"); strings.Contains(frag.Body, "<script>") {
		t.Errorf("the form id is echoed unchecked")
	}
	form.Set("email", email)
	form.Set("_token", webtest.Hidden(t, res.Body, "_token"))
	form.Set("_kb_offer", offer)
	if res := anna.Post("/portal/new/citizen-report", form); res.Status != http.StatusSeeOther {
		t.Fatalf("send: %d\n%s", res.Status, res.Body)
	}

	// The second citizen is offered it while typing, gets an offering of
	// their own, and leaves.
	ben := env.Browser(t)
	frag = ben.Get("/portal/help/suggest?q=sperrm%C3%BCll&form=form-citizen-report")
	if m := offerField.FindStringSubmatch(frag.Body); m == nil || m[1] == offer {
		t.Errorf("the second citizen's list: %v\n%s", m, frag.Body)
	}
	// The hourly run closes the offerings past the window.
	kb, err := knowledge.New(knowledge.Deps{Store: env.St})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := kb.CloseOffers(t.Context(), time.Now().Add(knowledge.OfferWindow+time.Minute)); err != nil || n != 2 {
		t.Fatalf("closed %d offerings, %v; want 2", n, err)
	}

	root := env.Browser(t)
	root.Login("root")
	p := root.Get("/app/knowledge/" + pub + "?lang=en")
	month := time.Now().UTC().Format("2006-01")
	for _, want := range []string{"<dt>Suggested on the portal</dt><dd>2</dd>", "<dt>Request sent anyway afterwards</dt><dd>1</dd>",
		"<dt>Left without sending a request</dt><dd>1</dd>",
		`<tr><th scope="row"><time datetime="` + month + `">` + month + `</time></th><td>2</td><td>1</td><td>1</td><td>0</td></tr>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	if p := root.Get("/app/knowledge/" + internal + "?lang=en"); !strings.Contains(p.Body, "<dt>Request sent anyway afterwards</dt><dd>0</dd>") {
		t.Errorf("an internal article was counted")
	}
	// The list: shown, left, sent anyway, used per article.
	list := root.Get("/app/knowledge?category=Abfall&lang=en")
	row := regexp.MustCompile(`(?s)<a href="/app/knowledge/` + pub + `">.*?</tr>`).FindString(list.Body)
	if !strings.Contains(row, "<td>2</td><td>1</td><td>1</td><td>0</td>") {
		t.Errorf("the list's row lacks the counts:\n%s", row)
	}
}
