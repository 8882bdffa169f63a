package notify_test

import (
	"strings"
	"testing"
	"time"

	"vorgang/core/notify"
)

func TestThreadsRoundTrip(t *testing.T) {
	th := notify.NewThreads([]byte("server secret"))
	other := notify.NewThreads([]byte("another secret"))
	id := th.MessageID("outbox-1", "INC-2026-000001", "Desk <desk@example.org>")
	if !strings.HasPrefix(id, "<vg.INC-2026-000001.") || !strings.HasSuffix(id, "@example.org>") {
		t.Fatalf("MessageID = %q", id)
	}
	if id != th.MessageID("outbox-1", "INC-2026-000001", "Desk <desk@example.org>") {
		t.Error("MessageID is not stable for one outbox item")
	}
	addr := th.ReplyAddress("desk@example.org", "INC-2026-000001")
	if !strings.HasPrefix(addr, "desk+INC-2026-000001.") || !strings.HasSuffix(addr, "@example.org") {
		t.Fatalf("ReplyAddress = %q", addr)
	}
	tests := []struct {
		name string
		got  func() (string, bool)
		want string
	}{
		{"own Message-ID", func() (string, bool) { return th.TicketOfMessageID(id) }, "INC-2026-000001"},
		{"Message-ID without brackets", func() (string, bool) { return th.TicketOfMessageID(strings.Trim(id, "<>")) }, "INC-2026-000001"},
		{"Message-ID of another key", func() (string, bool) { return other.TicketOfMessageID(id) }, ""},
		{"Message-ID naming another ticket", func() (string, bool) {
			return th.TicketOfMessageID(strings.Replace(id, "000001", "000002", 1))
		}, ""},
		{"foreign Message-ID", func() (string, bool) { return th.TicketOfMessageID("<abc@example.net>") }, ""},
		{"own reply address", func() (string, bool) { return th.TicketOfAddress(addr) }, "INC-2026-000001"},
		{"reply address in lower case", func() (string, bool) { return th.TicketOfAddress(strings.ToLower(addr)) }, "INC-2026-000001"},
		{"reply address of another key", func() (string, bool) { return other.TicketOfAddress(addr) }, ""},
		{"reply address naming another ticket", func() (string, bool) {
			return th.TicketOfAddress(strings.Replace(addr, "000001", "000002", 1))
		}, ""},
		{"plain address", func() (string, bool) { return th.TicketOfAddress("desk@example.org") }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.got()
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q %v, want %q", got, ok, tt.want)
			}
		})
	}
}

func TestComposeWithReplyTo(t *testing.T) {
	m := &notify.Mail{ID: "x", From: "Desk <desk@example.org>", To: "erika@example.net", Subject: "s", Text: "t", HTML: "<p>t</p>",
		MessageID: "<vg.INC-1.abc.0123456789abcdef@example.org>", ReplyTo: "desk+INC-1.0123456789abcdef@example.org"}
	raw, err := notify.Compose(m, time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Message-ID: <vg.INC-1.abc.0123456789abcdef@example.org>\r\n", "Reply-To: desk+INC-1.0123456789abcdef@example.org\r\n"} {
		if !strings.Contains(string(raw), h) {
			t.Errorf("mail lacks %q:\n%s", h, raw)
		}
	}
}
