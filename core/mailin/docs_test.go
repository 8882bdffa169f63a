package mailin_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
)

// TestDocExampleCompiles compiles the desk docs/mail-in.md shows, with
// the shipped desks, so the example stays one an administrator can copy.
func TestDocExampleCompiles(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "mail-in.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	if !ok {
		t.Fatal("docs/mail-in.md has no YAML example")
	}
	example, _, _ := strings.Cut(rest, "```")
	t.Setenv("VORGANG_IMAP_SERVICEDESK", "secret")
	cat := testkit.Compile(t, append(testkit.DeskFiles(t), definition.File{Path: "mail-in.md.yaml", Data: []byte(example)}))
	mb := cat.Mailbox("servicedesk")
	if mb == nil || mb.Process.Value != "mail-request" || mb.Route("a@lieferant.example").Team.Value != "procurement-office" {
		t.Errorf("the example's mailbox reads as %+v", mb)
	}
}
