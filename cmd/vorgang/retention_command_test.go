package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/engine"
)

// TestRetentionCommand: `vorgang retention --dry-run` lists the rules due
// per ticket and changes nothing; without it they are applied, and a
// second dry run lists nothing.
func TestRetentionCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	yearAgo := time.Now().AddDate(-1, 0, 0)
	var number string
	withDeskApp(t, data, func() time.Time { return yearAgo }, func(a *app.App) {
		tk, err := a.Engine.Create(t.Context(), nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
			"summary": "Laterne defekt", "category": "other", "description": "Seit Tagen dunkel.",
			"email": "erika@example.org", "privacy_consent": true}})
		if err != nil {
			t.Fatal(err)
		}
		worker := &auth.Principal{User: "root", Admin: true}
		for _, step := range []engine.TransitionRequest{{Transition: "accept"}, {Transition: "answer", Comment: "Repariert."}} {
			if _, err := a.Engine.Transition(t.Context(), worker, tk.Number, step); err != nil {
				t.Fatal(err)
			}
		}
		number = tk.Number
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"retention", "--dry-run", "--data", data}, number + "\tcitizen-request\trequester\t"},
		{[]string{"retention", "--data", data}, "1 rules applied"},
		{[]string{"retention", "--dry-run", "--data", data}, "0 rules due"},
	} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), tc.args, &out, &errOut); code != 0 || !strings.Contains(out.String(), tc.want) {
			t.Fatalf("%v: exit %d, want %q\n%s%s", tc.args, code, tc.want, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"audit", "verify", "--data", data}, &out, &errOut); code != 0 {
		t.Fatalf("audit verify: %s%s", out.String(), errOut.String())
	}
}
