package mailin_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
)

// TestDocExampleCompiles compiles the desk docs/mail-in.md shows (every
// YAML example of the page, together), with the shipped desks, so the
// examples stay ones an administrator can copy.
func TestDocExampleCompiles(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "mail-in.md"))
	if err != nil {
		t.Fatal(err)
	}
	var examples []string
	for rest := string(doc); ; {
		var ok bool
		if _, rest, ok = strings.Cut(rest, "```yaml\n"); !ok {
			break
		}
		var example string
		example, rest, _ = strings.Cut(rest, "```")
		examples = append(examples, example)
	}
	if len(examples) < 2 {
		t.Fatalf("docs/mail-in.md has %d YAML examples, want the IMAP and the LMTP mailbox", len(examples))
	}
	example := strings.Join(examples, "---\n")
	t.Setenv("VORGANG_IMAP_SERVICEDESK", "secret")
	cat := testkit.Compile(t, append(testkit.DeskFiles(t), definition.File{Path: "mail-in.md.yaml", Data: []byte(example)}))
	mb := cat.Mailbox("servicedesk")
	if mb == nil || mb.Process.Value != "mail-request" || mb.Route("a@lieferant.example").Team.Value != "procurement-office" {
		t.Errorf("the example's mailbox reads as %+v", mb)
	}
	if mb := cat.Mailbox("buergerbuero"); mb == nil || !mb.LMTP() || !mb.Serves("buergerbuero+x@stadt.example") {
		t.Errorf("the LMTP example's mailbox reads as %+v", mb)
	}
}
