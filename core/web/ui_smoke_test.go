package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

func TestUISmoke(t *testing.T) {
	env := webtest.NewUIEnv(t)
	b := env.Browser(t)
	p := b.Get("/portal/")
	if p.Status != 200 || !strings.Contains(p.Body, "citizen-report") {
		t.Fatalf("portal: %d\n%s", p.Status, p.Body)
	}
	p = b.Get("/portal/new/citizen-report")
	if p.Status != 200 {
		t.Fatalf("form: %d\n%s", p.Status, p.Body)
	}
	res := b.PostMultipart("/portal/new/citizen-report", url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")}, "_token": {webtest.Hidden(t, p.Body, "_token")},
		"category": {"pothole"}, "summary": {"Tiefes Loch"}, "spots[0][street]": {"Markt 1"}, "email": {"erika@example.org"}, "consent": {"on"}},
		webtest.FilePart{Field: "photo", Name: "loch.png", Data: webtest.PNGBytes})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", res.Status, res.Body)
	}
	conf := b.Get(res.Location)
	t.Log(conf.Status, conf.Body[:200])
	b.Login("dora")
	in := b.Get("/app/")
	if !strings.Contains(in.Body, "MELD-") {
		t.Fatalf("inbox: %d\n%s", in.Status, in.Body)
	}
}
