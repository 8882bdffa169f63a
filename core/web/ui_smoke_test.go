package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestUISmoke(t *testing.T) {
	env := newUIEnv(t)
	b := env.browser(t)
	p := b.get("/portal/")
	if p.status != 200 || !strings.Contains(p.body, "citizen-report") {
		t.Fatalf("portal: %d\n%s", p.status, p.body)
	}
	p = b.get("/portal/new/citizen-report")
	if p.status != 200 {
		t.Fatalf("form: %d\n%s", p.status, p.body)
	}
	res := b.postMultipart("/portal/new/citizen-report", url.Values{"_csrf": {hidden(t, p.body, "_csrf")}, "_token": {hidden(t, p.body, "_token")},
		"category": {"pothole"}, "summary": {"Tiefes Loch"}, "spots[0][street]": {"Markt 1"}, "email": {"erika@example.org"}, "consent": {"on"}},
		filePart{"photo", "loch.png", pngBytes})
	if res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", res.status, res.body)
	}
	conf := b.get(res.location)
	t.Log(conf.status, conf.body[:200])
	b.login("dora")
	in := b.get("/app/")
	if !strings.Contains(in.body, "MELD-") {
		t.Fatalf("inbox: %d\n%s", in.status, in.body)
	}
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
