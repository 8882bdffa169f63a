package webtest

import (
	"context"
	"embed"
	"io"
	"io/fs"
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
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/web"
)

// UIEnv is the real app with the HTML pages over the shipped desks plus the
// citizen test desk (testdata/desk), a fresh embedded store, and users.
type UIEnv struct {
	App   *fiber.App
	Base  string
	St    *store.Store
	Eng   *engine.Engine
	Authn *auth.Service
	Cat   *definition.Catalog
	// Assets is the asset register when UIOptions.Assets asked for it.
	Assets *asset.Service
	// FileMail files a raw message at a mailbox of the catalog as its
	// delivery would (see UIOptions.Files for a mailbox).
	FileMail func(ctx context.Context, mailbox string, raw []byte) error
}

// UIUsers are the users of every UI test; each has the password
// "Sommerfest-2026".
var UIUsers = []auth.NewUser{
	{Name: "anna", DisplayName: "Anna Amsel"},                                    // staff without roles
	{Name: "ben", DisplayName: "Ben Bauer", Teams: []string{"it-1st-level"}},     // IT first level
	{Name: "carla", DisplayName: "Carla Czech", Teams: []string{"it-2nd-level"}}, // IT second level
	{Name: "dora", DisplayName: "Dora Diener", Teams: []string{"ordnungsamt"}},   // public order office
	{Name: "lea", DisplayName: "Lea Leitung", Roles: []string{"it-lead"}},        // reads everything
	{Name: "tim", DisplayName: "Tim Teamleitung", Roles: []string{"team-lead"}},  // approves small purchases
	{Name: "root", DisplayName: "Rita Root", Roles: []string{"admin"}},
	{Name: "petra", DisplayName: "Petra Privat", Roles: []string{"privacy-officer"}}, // data protection
}

// UIPassword is the password of every user of UIUsers.
const UIPassword = "Sommerfest-2026"

// desk is the citizen test desk: processes, forms and scripts beside the
// shipped desks.
//
//go:embed testdata/desk
var desk embed.FS

// TestCatalog compiles the shipped desks and the citizen test desk.
func TestCatalog(t testing.TB, extra ...definition.File) *definition.Catalog {
	t.Helper()
	files := append(slices.Clone(testkit.DeskFiles(t)), extra...)
	for _, d := range []string{"processes", "forms", "scripts"} {
		sub, err := fs.Sub(desk, "testdata/desk/"+d)
		if err != nil {
			t.Fatal(err)
		}
		read, err := definition.ReadFS(sub, "testdata/"+d)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, read...)
	}
	return testkit.Compile(t, files)
}

// UIOptions vary a UIEnv. The zero value is the default of each.
type UIOptions struct {
	// CitizenRate is the citizen rate limit; default 1000, which no test
	// reaches by accident.
	CitizenRate int
	Now         func() time.Time
	// TrustedProxies: requests from these addresses name the client in
	// X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// Files are definitions added to the desks (an IdentityProvider).
	Files []definition.File
	// Clock, when set, is the clock of the app's services (sessions,
	// two-factor codes); Now is the pages' own.
	Clock func() time.Time
	// BaseURL is the public address the pages print (asset labels).
	BaseURL string
	// Assets wires the asset register in as `vorgang serve` does: the
	// asset pages and routes, and an engine that checks asset fields
	// against the register and links the assets it names.
	Assets bool
}

// NewUIEnv starts the app with the pages (and the API) for a test.
func NewUIEnv(t testing.TB, opts ...UIOptions) *UIEnv {
	t.Helper()
	var o UIOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.CitizenRate == 0 {
		o.CitizenRate = 1000
	}
	cat := TestCatalog(t, o.Files...)
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(cat), Now: o.Clock, Password: auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	st, authn, catalog := a.Store, a.Auth, a.Catalog
	// Like the API tests, the pages write asset fields without creating
	// the assets they name: the engine checks such fields by shape only.
	eng := a.Engine
	if !o.Assets {
		var err error
		eng, err = engine.New(engine.Deps{Store: st, Users: authn, Catalog: catalog, Logger: testkit.Quiet, Compile: testkit.Loader(t).Compile})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(eng.Close)
	}
	eng.SetMailQuarantine(a.Quarantine)
	for _, u := range UIUsers {
		u.Password = UIPassword
		if _, err := authn.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	// Errors of the app are test failures' best clue: show them.
	appLog := slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: logLevel()}))
	apiDeps := &web.APIDeps{Engine: eng, Auth: authn, Catalog: catalog, Knowledge: a.Knowledge, BaseURL: o.BaseURL}
	uiDeps := &web.UIDeps{Engine: eng, Auth: authn, Catalog: catalog, Knowledge: a.Knowledge, Now: o.Now, BaseURL: o.BaseURL}
	if o.Assets {
		apiDeps.Assets, uiDeps.Assets = a.Assets, a.Assets
	}
	app := web.New(web.Deps{Logger: appLog, Store: st, API: apiDeps, UI: uiDeps,
		CitizenRate: o.CitizenRate, TrustedProxies: o.TrustedProxies})
	env := &UIEnv{App: app, St: st, Eng: eng, Authn: authn, Cat: cat, FileMail: func(ctx context.Context, mailbox string, raw []byte) error {
		_, err := a.MailIn.File(ctx, mailbox, raw)
		return err
	}}
	if o.Assets {
		env.Assets = a.Assets
	}
	env.Base = Serve(t, app)
	return env
}

// Browser is an HTTP client with cookies that does not follow redirects,
// so tests see each response.
type Browser struct {
	T    testing.TB
	Env  *UIEnv
	HTTP *http.Client
	// From, when set, is sent as X-Forwarded-For: the browser's address
	// behind a trusted proxy.
	From string
}

// Browser is a new browser of e, with its own cookies.
func (e *UIEnv) Browser(t testing.TB) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{T: t, Env: e, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Page is a response as a browser sees it.
type Page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

// Do sends req from this browser, as from the app's own pages.
func (b *Browser) Do(req *http.Request) Page {
	b.T.Helper()
	req.Header.Set("Origin", b.Env.Base)
	if b.From != "" {
		req.Header.Set("X-Forwarded-For", b.From)
	}
	resp, err := b.HTTP.Do(req)
	if err != nil {
		b.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return Page{Status: resp.StatusCode, Body: string(body), Location: resp.Header.Get("Location"), Header: resp.Header}
}

// Get loads a path of the app.
func (b *Browser) Get(path string) Page {
	b.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.Env.Base+path, nil)
	return b.Do(req)
}

// Post posts a form to a path of the app.
func (b *Browser) Post(path string, form url.Values) Page {
	b.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.Env.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// FilePart is a file of a multipart post.
type FilePart struct {
	Field, Name string
	Data        []byte
}

// PostMultipart posts a form with files.
func (b *Browser) PostMultipart(path string, form url.Values, files ...FilePart) Page {
	b.T.Helper()
	var buf strings.Builder
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile(f.Field, f.Name)
		_, _ = fw.Write(f.Data)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.Env.Base+path, strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}

// Login signs the browser in as the user name (password UIPassword).
func (b *Browser) Login(name string) {
	b.T.Helper()
	p := b.Get("/app/login")
	res := b.Post("/app/login", url.Values{"_csrf": {Hidden(b.T, p.Body, "_csrf")}, "name": {name}, "password": {UIPassword}, "next": {"/app/"}})
	if res.Status != http.StatusSeeOther {
		b.T.Fatalf("login %s: status %d\n%s", name, res.Status, res.Body)
	}
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// Hidden returns the value of the first hidden input with the name.
func Hidden(t testing.TB, body, name string) string {
	t.Helper()
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		if m[1] == name {
			return HTMLUnescape(m[2])
		}
	}
	t.Fatalf("no hidden input %s in page:\n%s", name, body)
	return ""
}

// HTMLUnescape undoes the escaping of html/template in an attribute.
func HTMLUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}

// tbWriter writes log lines to the test's log.
type tbWriter struct{ t testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// Serve starts app on a loopback port for tests and benchmarks alike.
func Serve(t testing.TB, app *fiber.App) string {
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

// RegexpMust compiles a pattern of a test.
func RegexpMust(p string) *regexp.Regexp { return regexp.MustCompile(p) }

// CountTickets is the store's count of tickets for the team of the process.
func (env *UIEnv) CountTickets(t *testing.T, process string) int {
	t.Helper()
	counts, err := env.St.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		if c.Team == env.Cat.Process(process).Team.Value {
			n += int(c.N)
		}
	}
	return n
}

// RegexpFind is the first group of pattern in s; the test fails without
// a match.
func RegexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := RegexpMust(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in:\n%s", pattern, s)
	}
	return m[1]
}

// APICall sends a JSON request with a session of the user and returns the
// status and body.
func (env *UIEnv) APICall(t *testing.T, user, method, path, body string) (int, string) {
	t.Helper()
	login, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/login", strings.NewReader(`{"name":"`+user+`","password":"`+UIPassword+`"}`))
	login.Header.Set("Content-Type", "application/json")
	b := env.Browser(t)
	if p := b.Do(login); p.Status != http.StatusOK {
		t.Fatalf("login %s: %d", user, p.Status)
	}
	req, _ := http.NewRequest(method, env.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	p := b.Do(req)
	return p.Status, p.Body
}
