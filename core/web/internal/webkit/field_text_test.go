package webkit

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"vorgang/core/fault"
)

// TestEngineFieldTextsHaveSentences: every field problem the engine names
// by a text id has its sentence here, in both languages.
func TestEngineFieldTextsHaveSentences(t *testing.T) {
	files, err := filepath.Glob("../../../engine/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("engine sources: %v", err)
	}
	call := regexp.MustCompile(`invalid\([^,]+, "[a-z_]+", "([a-z_]+)"`)
	seen := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			seen++
			for _, l := range []Lang{LangDE, LangEN} {
				if fieldTexts[m[1]][l] == "" {
					t.Errorf("%s: no %s sentence for %s", filepath.Base(f), l, m[1])
				}
			}
		}
	}
	if seen < 10 {
		t.Errorf("found %d field problems in the engine; the pattern no longer matches its calls", seen)
	}
}

func TestFieldMessage(t *testing.T) {
	cases := []struct {
		name string
		l    Lang
		fe   fault.FieldError
		want string
	}{
		{"own message wins", LangDE, fault.FieldError{Code: "required", Message: "Fehlt.", Text: "comment_required"}, "Fehlt."},
		{"text with params", LangDE, fault.FieldError{Code: "not_assignable", Text: "not_assignable", Params: map[string]any{"user": "anna", "team": "it"}},
			"anna darf keine Vorgänge des Teams it bearbeiten."},
		{"text in english", LangEN, fault.FieldError{Code: "unknown_user", Text: "unknown_user", Params: map[string]any{"user": "zoe"}}, `There is no user "zoe".`},
		{"number param", LangEN, fault.FieldError{Code: "too_short", Text: "anonymous_key_too_short", Params: map[string]any{"min": 16}},
			"an anonymous request's idempotency key has at least 16 characters"},
		{"code only", LangEN, fault.FieldError{Code: CodeBadRequest}, messages[CodeBadRequest][LangEN]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FieldMessage(c.l, c.fe); got != c.want {
				t.Errorf("fieldMessage = %q, want %q", got, c.want)
			}
		})
	}
}
