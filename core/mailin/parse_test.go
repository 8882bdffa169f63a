package mailin_test

import (
	"strings"
	"testing"

	"vorgang/core/mailin"
)

func TestLoopHeaders(t *testing.T) {
	tests := []struct {
		name, headers string
		auto          bool
		bounce        bool
	}{
		{"a person's mail", "", false, false},
		{"Auto-Submitted: no", "Auto-Submitted: no\n", false, false},
		{"Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied\n", true, false},
		{"Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated\n", true, false},
		{"Precedence: bulk", "Precedence: bulk\n", true, false},
		{"Precedence: junk", "Precedence: junk\n", true, false},
		{"Precedence: list", "Precedence: List\n", true, false},
		{"Precedence: first-class", "Precedence: first-class\n", false, false},
		{"X-Auto-Response-Suppress", "X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\n", true, false},
		{"X-Autoreply", "X-Autoreply: yes\n", true, false},
		{"X-Autorespond", "X-Autorespond: Out of office\n", true, false},
		{"a delivery report", "Content-Type: multipart/report; report-type=delivery-status; boundary=x\n", false, true},
		{"from MAILER-DAEMON", "From: MAILER-DAEMON@mx.example.org\n", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := "From: erika@example.net\n"
			if strings.HasPrefix(tt.headers, "From:") {
				from = ""
			}
			body := "hello\n"
			if strings.Contains(tt.headers, "multipart/report") {
				body = "--x\nContent-Type: text/plain\n\nundeliverable\n--x--\n"
			}
			m, err := mailin.Parse([]byte(from + "To: desk@example.org\nSubject: s\nMessage-ID: <a@b>\n" + tt.headers + "\n" + body))
			if err != nil {
				t.Fatal(err)
			}
			if (m.Auto != "") != tt.auto || m.Bounce != tt.bounce {
				t.Errorf("auto %q bounce %v, want auto %v bounce %v", m.Auto, m.Bounce, tt.auto, tt.bounce)
			}
		})
	}
}

func TestParseWithoutMessageID(t *testing.T) {
	raw := []byte("From: erika@example.net\nSubject: s\n\nhello\n")
	a, err := mailin.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := mailin.Parse(raw)
	if a.MessageID == "" || a.MessageID != b.MessageID {
		t.Errorf("Message-IDs %q and %q: want one made from the content, the same each time", a.MessageID, b.MessageID)
	}
	c, _ := mailin.Parse([]byte("From: erika@example.net\nSubject: s\n\nanother\n"))
	if c.MessageID == a.MessageID {
		t.Error("two messages got one Message-ID")
	}
}
