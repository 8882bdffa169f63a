package vorgang

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// allowedImports is the package map of docs/architecture.md as a table:
// for each package, the packages of vorgang it may import. A package not in
// the table, or an import not listed, fails TestArchitecture; change the
// table and the document together.
var allowedImports = map[string][]string{
	"vorgang": nil,
	// Leaves: the vocabulary every other package shares.
	"vorgang/core/fault":                  nil,
	"vorgang/core/ticket":                 nil,
	"vorgang/core/definition":             nil,
	"vorgang/core/script/internal/luapat": nil,
	// Services below the engine.
	"vorgang/core/sla":      {"definition", "ticket"},
	"vorgang/core/form":     {"definition", "fault"},
	"vorgang/core/script":   {"definition", "script/internal/luapat", "sla"},
	"vorgang/core/store":    {"fault", "ticket"},
	"vorgang/core/auth":     {"definition", "fault", "store"},
	"vorgang/core/identity": {"definition", "fault"},
	"vorgang/core/asset":    {"auth", "definition", "fault", "form", "script", "store"},
	"vorgang/core/notify":   {"auth", "definition", "fault", "store", "ticket"},
	"vorgang/core/search":   {"store", "ticket"},

	// The knowledge base: articles in the store, Markdown rendered.
	"vorgang/core/knowledge": {"auth", "fault", "search", "store"},

	// Policy.
	"vorgang/core/engine": {"auth", "definition", "fault", "form", "script", "search", "sla", "store", "ticket"},
	// Channels into the engine.
	"vorgang/core/mailin": {"definition", "engine", "fault", "notify", "store"},
	// Channels out of the engine's outbox.
	"vorgang/core/webhook": {"definition", "store", "ticket"},
	// Metrics the engine reports to and the pages serve.
	"vorgang/core/metrics": {"store", "ticket"},
	// Wiring.
	"vorgang/core/app":                  {"asset", "auth", "knowledge", "definition", "engine", "fault", "identity", "mailin", "notify", "script", "sla", "store", "ticket", "metrics", "search", "webhook"},
	"vorgang/core/scenario":             {"app", "asset", "auth", "definition", "engine", "fault", "mailin", "notify", "store", "ticket"},
	"vorgang/core/internal/testkit":     {"app", "definition", "store", "vorgang"},
	"vorgang/core/store/storetest":      nil,
	"vorgang/core/internal/slapdtest":   nil,
	"vorgang/core/internal/oidctest":    nil,
	"vorgang/core/internal/dovecottest": nil,
	// The only packages that know HTTP: core/web wires the app, its
	// sub-packages serve one area each and share core/web/internal/webkit
	// (and, the pages, core/web/internal/pagekit); no area imports another.
	"vorgang/core/web":                  {"auth", "fault", "metrics", "web/admin", "web/api", "web/internal/pagekit", "web/internal/webkit", "web/portal", "web/workspace"},
	"vorgang/core/web/admin":            {"auth", "definition", "engine", "fault", "web/internal/pagekit", "web/internal/webkit"},
	"vorgang/core/web/api":              {"asset", "auth", "definition", "engine", "fault", "knowledge", "ticket", "web/internal/webkit"},
	"vorgang/core/web/portal":           {"definition", "engine", "fault", "form", "knowledge", "web/internal/pagekit", "web/internal/webkit"},
	"vorgang/core/web/workspace":        {"asset", "auth", "definition", "engine", "fault", "form", "knowledge", "ticket", "web/internal/pagekit", "web/internal/webkit"},
	"vorgang/core/web/internal/webkit":  {"auth", "definition", "engine", "fault"},
	"vorgang/core/web/internal/pagekit": {"asset", "auth", "definition", "engine", "fault", "form", "knowledge", "ticket", "web/internal/webkit"},
	// Test support: the whole app with its pages, for the tests of every
	// web package.
	"vorgang/core/web/internal/webtest": {"app", "asset", "auth", "definition", "engine", "internal/testkit", "store", "ticket", "web"},
	// The binary.
	"vorgang/cmd/vorgang": {"app", "asset", "auth", "definition", "engine", "fault", "identity", "notify", "scenario", "script", "store", "ticket", "web", "vorgang"},
}

// forbidden are imports only some packages may have, by prefix. An allowed
// package ending in "/..." stands for it and the packages below it.
var forbidden = []struct {
	prefix  string
	allowed []string
	why     string
}{
	{"go.mongodb.org/mongo-driver/mongo", []string{"vorgang/core/store"}, "only the store touches the database"},
	// core/identity is an HTTP client of OpenID providers, and the test
	// provider serves them; neither serves vorgang's own HTTP.
	{"net/http", []string{"vorgang/core/web/...", "vorgang/core/identity", "vorgang/core/internal/oidctest", "vorgang/core/webhook"}, "only core/web knows HTTP (core/identity as a client of OpenID providers, core/webhook of webhook receivers)"},
	{"github.com/gofiber/", []string{"vorgang/core/web/...", "vorgang/cmd/vorgang"}, "only core/web knows HTTP (the binary starts its server)"},
	{"github.com/valyala/fasthttp", []string{"vorgang/core/web/..."}, "only core/web knows HTTP"},
	{"github.com/go-ldap/", []string{"vorgang/core/identity"}, "only core/identity speaks LDAP"},
	{"github.com/coreos/go-oidc", []string{"vorgang/core/identity"}, "only core/identity speaks OpenID Connect"},
	{"golang.org/x/oauth2", []string{"vorgang/core/identity"}, "only core/identity speaks OpenID Connect"},
	{"github.com/go-jose/", []string{"vorgang/core/identity", "vorgang/core/internal/oidctest"}, "only core/identity checks tokens (the test provider signs them)"},
	{"github.com/zitadel/", []string{"vorgang/core/internal/oidctest"}, "the OpenID provider library is for the test provider only"},
	{"github.com/blevesearch/", []string{"vorgang/core/search"}, "only core/search knows the full-text index"},
	{"github.com/yuin/goldmark", []string{"vorgang/core/knowledge"}, "only core/knowledge renders Markdown"},
	{"github.com/microcosm-cc/bluemonday", []string{"vorgang/core/knowledge"}, "only core/knowledge sanitises HTML"},
	{"github.com/emersion/go-imap", []string{"vorgang/core/mailin"}, "only core/mailin speaks IMAP"},
	{"github.com/emersion/go-message", []string{"vorgang/core/mailin"}, "only core/mailin reads MIME"},
}

// standardOnly are the packages that import nothing but the standard
// library: the shared model and vocabulary, which everything may import.
var standardOnly = []string{"vorgang/core/ticket", "vorgang/core/fault"}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the packages: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-json=ImportPath,Imports", "./...")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(out)
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	return pkgs
}

// matchesPackage reports whether pattern names the package path: exactly,
// or as "dir/..." for dir and every package below it.
func matchesPackage(pattern, path string) bool {
	if dir, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == dir || strings.HasPrefix(path, dir+"/")
	}
	return pattern == path
}

func allowedPath(short string) string {
	if short == "vorgang" || strings.HasPrefix(short, "vorgang/") {
		return short
	}
	return "vorgang/core/" + short
}

// TestArchitecture checks the package map of docs/architecture.md against
// the code: which of vorgang's packages each may import, and who alone may
// import the database driver and HTTP.
func TestArchitecture(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; expected the whole module", len(pkgs))
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.ImportPath] = true
		allowed, known := allowedImports[p.ImportPath]
		if !known {
			t.Errorf("%s is not on the package map: add it to docs/architecture.md and allowedImports", p.ImportPath)
			continue
		}
		full := make([]string, len(allowed))
		for i, a := range allowed {
			full[i] = allowedPath(a)
		}
		for _, imp := range p.Imports {
			if (imp == "vorgang" || strings.HasPrefix(imp, "vorgang/")) && !slices.Contains(full, imp) {
				t.Errorf("%s imports %s, which the package map does not allow", p.ImportPath, imp)
			}
			if slices.Contains(standardOnly, p.ImportPath) && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				t.Errorf("%s imports %s: it imports the standard library only", p.ImportPath, imp)
			}
			for _, f := range forbidden {
				if strings.HasPrefix(imp, f.prefix) && !slices.ContainsFunc(f.allowed, func(a string) bool { return matchesPackage(a, p.ImportPath) }) {
					t.Errorf("%s imports %s: %s", p.ImportPath, imp, f.why)
				}
			}
		}
	}
	var stale []string
	for p := range allowedImports {
		if !seen[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	for _, p := range stale {
		t.Errorf("the package map names %s, which does not exist", p)
	}
}
