package definition_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"vorgang/core/definition"
)

// TestShippedDesksCompile compiles the desks shipped with vorgang the way
// `vorgang validate` reads them and wants no diagnostic at all: what we ship
// is also the example administrators copy.
func TestShippedDesksCompile(t *testing.T) {
	cat, diags := compile(t, newLoader(t), readDesks(t))
	if len(diags) > 0 {
		t.Fatalf("want no diagnostics, got:\n%s", formatDiags(diags))
	}
	if cat == nil {
		t.Fatal("Compile returned no catalog")
	}
	counts := map[string]int{
		"Process":      len(cat.Processes()),
		"Form":         len(cat.Forms()),
		"SLA":          len(cat.SLAs()),
		"Calendar":     len(cat.Calendars()),
		"AssetClass":   len(cat.AssetClasses()),
		"Role":         len(cat.Roles()),
		"Team":         len(cat.Teams()),
		"Notification": len(cat.Notifications()),
		"script":       len(cat.Scripts()),
	}
	total := 0
	for kind, n := range counts {
		if n == 0 {
			t.Errorf("the shipped desks define no %s", kind)
		}
		total += n
	}
	if cat.Len() != total {
		t.Errorf("Len() = %d, the lists hold %d", cat.Len(), total)
	}
	for _, s := range cat.Scripts() {
		if s.Proto == nil {
			t.Errorf("script %s has no compiled prototype", s.Name)
		}
	}
	for _, p := range cat.Processes() {
		if p.File == "" {
			t.Errorf("process %s does not know its file", p.ID.Value)
		}
		if cat.Form(p.Form.Value) == nil {
			t.Errorf("process %s: form %s missing from the catalog", p.ID.Value, p.Form.Value)
		}
	}
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestCatalogHash checks that the hash tickets record as their process
// version depends on the files' content and paths only.
func TestCatalogHash(t *testing.T) {
	l := newLoader(t)
	files := readDesks(t)
	hash := func(t *testing.T, files []definition.File) string {
		t.Helper()
		cat, diags := compile(t, l, files)
		if cat == nil {
			t.Fatalf("compile failed:\n%s", formatDiags(diags))
		}
		return cat.Hash()
	}
	base := hash(t, files)
	if !hexHash.MatchString(base) {
		t.Fatalf("Hash() = %q, want 64 hex digits", base)
	}

	t.Run("stable", func(t *testing.T) {
		if again := hash(t, files); again != base {
			t.Errorf("second compile: hash %s, first %s", again, base)
		}
	})
	t.Run("file order does not matter", func(t *testing.T) {
		reversed := slices.Clone(files)
		slices.Reverse(reversed)
		if got := hash(t, reversed); got != base {
			t.Errorf("reversed files: hash %s, want %s", got, base)
		}
	})
	t.Run("one byte changed", func(t *testing.T) {
		changed, which := changeCommentByte(t, files)
		if got := hash(t, changed); got == base {
			t.Errorf("hash unchanged after changing one byte of %s", which)
		}
		if got := hash(t, files); got != base {
			t.Errorf("Compile changed its input: hash %s, want %s", got, base)
		}
	})
	t.Run("path changed", func(t *testing.T) {
		moved := slices.Clone(files)
		moved[0].Path = "archiv/" + moved[0].Path
		if got := hash(t, moved); got == base {
			t.Errorf("hash unchanged after moving %s", files[0].Path)
		}
	})
}

// changeCommentByte returns a copy of files in which one byte of a YAML
// comment differs, so the definitions stay valid.
func changeCommentByte(t *testing.T, files []definition.File) ([]definition.File, string) {
	t.Helper()
	out := slices.Clone(files)
	for i, f := range out {
		at := bytes.Index(f.Data, []byte("# "))
		if at < 0 || !isYAMLPath(f.Path) {
			continue
		}
		data := bytes.Clone(f.Data)
		data[at+1] = '~'
		out[i].Data = data
		return out, f.Path
	}
	t.Fatal("no YAML file with a comment among the files")
	return nil, ""
}

func isYAMLPath(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

// TestCompileConcurrently uses one Loader from several goroutines, as the
// server does when a reload overlaps a validation request; run it with -race.
func TestCompileConcurrently(t *testing.T) {
	l := newLoader(t)
	files := readDesks(t)
	invalid := readCase(t, "testdata/invalid/ref-unknown-team.yaml")
	var wg sync.WaitGroup
	hashes := make([]string, 8)
	for i := range hashes {
		wg.Go(func() {
			cat, _ := l.Compile(files)
			if cat != nil {
				hashes[i] = cat.Hash()
			}
			if cat, _ := l.Compile(invalid); cat != nil {
				t.Error("invalid case compiled")
			}
		})
	}
	wg.Wait()
	for i, h := range hashes {
		if h == "" || h != hashes[0] {
			t.Errorf("goroutine %d: hash %q, goroutine 0: %q", i, h, hashes[0])
		}
	}
}
