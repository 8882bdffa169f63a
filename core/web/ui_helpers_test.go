package web_test

import (
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/web"
)

// uiEnv is the real app with the HTML pages over the shipped desks plus the
// citizen test desk (testdata/desk), a fresh embedded store, and users.
type uiEnv struct {
	app   *fiber.App
	base  string
	st    *store.Store
	eng   *engine.Engine
	authn *auth.Service
	cat   *definition.Catalog
}

// uiUsers are the users of every UI test; each has the password
// "Sommerfest-2026".
var uiUsers = []auth.NewUser{
	{Name: "anna", DisplayName: "Anna Amsel"},                                    // staff without roles
	{Name: "ben", DisplayName: "Ben Bauer", Teams: []string{"it-1st-level"}},     // IT first level
	{Name: "carla", DisplayName: "Carla Czech", Teams: []string{"it-2nd-level"}}, // IT second level
	{Name: "dora", DisplayName: "Dora Diener", Teams: []string{"ordnungsamt"}},   // public order office
	{Name: "lea", DisplayName: "Lea Leitung", Roles: []string{"it-lead"}},        // reads everything
	{Name: "tim", DisplayName: "Tim Teamleitung", Roles: []string{"team-lead"}},  // approves small purchases
	{Name: "root", DisplayName: "Rita Root", Roles: []string{"admin"}},
}

const uiPassword = "Sommerfest-2026"

// testCatalog compiles the shipped desks and the citizen test desk.
func testCatalog(t testing.TB, extra ...definition.File) *definition.Catalog {
	t.Helper()
	files := append(slices.Clone(testkit.DeskFiles(t)), extra...)
	for _, d := range []string{"processes", "forms", "scripts"} {
		fs, err := definition.ReadFS(os.DirFS("testdata/desk/"+d), "testdata/"+d)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	return testkit.Compile(t, files)
}

type uiOptions struct {
	citizenRate int
	now         func() time.Time
	// trustedProxies: requests from these addresses name the client in
	// X-Forwarded-For.
	trustedProxies []netip.Prefix
	// files are definitions added to the desks (an IdentityProvider).
	files []definition.File
	// clock, when set, is the clock of the app's services (sessions,
	// two-factor codes); now is the pages' own.
	clock func() time.Time
}

func newUIEnv(t testing.TB, opts ...uiOptions) *uiEnv {
	t.Helper()
	var o uiOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.citizenRate == 0 {
		o.citizenRate = 1000
	}
	cat := testCatalog(t, o.files...)
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(cat), Now: o.clock, Password: auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	st, authn, catalog := a.Store, a.Auth, a.Catalog
	// Like the API tests, the pages write asset fields without creating
	// the assets they name: the engine checks such fields by shape only.
	eng, err := engine.New(engine.Deps{Store: st, Users: authn, Catalog: catalog, Logger: testkit.Quiet, Compile: testkit.Loader(t).Compile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	for _, u := range uiUsers {
		u.Password = uiPassword
		if _, err := authn.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	// Errors of the app are test failures' best clue: show them.
	appLog := slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: logLevel()}))
	app := web.New(web.Deps{Logger: appLog, Store: st,
		API:         &web.APIDeps{Engine: eng, Auth: authn, Catalog: catalog},
		UI:          &web.UIDeps{Engine: eng, Auth: authn, Catalog: catalog, Now: o.now},
		CitizenRate: o.citizenRate, TrustedProxies: o.trustedProxies})
	env := &uiEnv{app: app, st: st, eng: eng, authn: authn, cat: cat}
	env.base = serveTB(t, app)
	return env
}

// browser is an HTTP client with cookies that does not follow redirects,
// so tests see each response.
type browser struct {
	t    testing.TB
	env  *uiEnv
	http *http.Client
	// from, when set, is sent as X-Forwarded-For: the browser's address
	// behind a trusted proxy.
	from string
}

func (e *uiEnv) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, env: e, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("Origin", b.env.base)
	if b.from != "" {
		req.Header.Set("X-Forwarded-For", b.from)
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location"), header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.env.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.env.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

type filePart struct {
	field, name string
	data        []byte
}

func (b *browser) postMultipart(path string, form url.Values, files ...filePart) page {
	b.t.Helper()
	var buf strings.Builder
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile(f.field, f.name)
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.env.base+path, strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func (b *browser) login(name string) {
	b.t.Helper()
	p := b.get("/app/login")
	res := b.post("/app/login", url.Values{"_csrf": {hidden(b.t, p.body, "_csrf")}, "name": {name}, "password": {uiPassword}, "next": {"/app/"}})
	if res.status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d\n%s", name, res.status, res.body)
	}
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// hidden returns the value of the first hidden input with the name.
func hidden(t testing.TB, body, name string) string {
	t.Helper()
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		if m[1] == name {
			return htmlUnescape(m[2])
		}
	}
	t.Fatalf("no hidden input %s in page:\n%s", name, body)
	return ""
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}

// tbWriter writes log lines to the test's log.
type tbWriter struct{ t testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// serveTB starts app on a loopback port for tests and benchmarks alike.
func serveTB(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = app.ShutdownWithContext(ctx)
	})
	return "http://" + ln.Addr().String()
}

// logLevel is ERROR, or DEBUG with VORGANG_TEST_DEBUG=1 to see every
// refused request's cause.
func logLevel() slog.Level {
	if os.Getenv("VORGANG_TEST_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelError
}

func regexpMust(p string) *regexp.Regexp { return regexp.MustCompile(p) }
