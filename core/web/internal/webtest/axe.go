package webtest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// AxePath is where `npm ci --prefix core/web/testdata/axe` installs
// axe-core (never committed), wherever the test runs from.
func AxePath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "axe", "node_modules", "axe-core", "axe.min.js")
}

type axeResult struct {
	Violations []struct {
		ID          string `json:"id"`
		Impact      string `json:"impact"`
		Description string `json:"description"`
		Nodes       []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes int `json:"passes"`
}

// RunAxe injects axe-core into the page and fails the test on every
// violation of WCAG 2.1 A/AA or axe's best practices.
func RunAxe(t *testing.T, tb *Tab, axe string) {
	t.Helper()
	Eval[bool](tb, axe+";true")
	raw := Eval[json.RawMessage](tb, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact, description: v.description,
			nodes: v.nodes.map(n => ({target: n.target, html: n.html}))})), passes: r.passes.length}))`)
	var res axeResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.Passes == 0 {
		t.Fatalf("axe checked nothing")
	}
	loc := Eval[string](tb, "location.pathname + location.search")
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, truncate(n.HTML, 160)))
		}
		t.Errorf("%s: axe %s (%s): %s\n  %s", loc, v.ID, v.Impact, v.Description, strings.Join(where, "\n  "))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
