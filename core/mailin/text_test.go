package mailin_test

import (
	"os"
	"path/filepath"
	"testing"

	"vorgang/core/mailin"
)

func TestReplyText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"German quote header", "Danke, erledigt.\n\nAm 03.12.2026 um 10:15 schrieb Service-Desk <desk@example.org>:\n> Bitte neu starten.", "Danke, erledigt."},
		{"German quote header wrapped", "Danke.\n\nAm Do., 3. Dez. 2026 um 10:15 Uhr schrieb Service-Desk\n<desk@example.org>:\n> Frage", "Danke."},
		{"English quote header", "Thanks!\n\nOn Thu, 3 Dec 2026 at 10:15, Service Desk <desk@example.org> wrote:\n> Question", "Thanks!"},
		{"English quote header wrapped", "Thanks!\n\nOn Thu, Dec 3, 2026 at 10:15 AM Service Desk\n<desk@example.org> wrote:\n> Question", "Thanks!"},
		{"quoted lines inline", "> What is the room?\nRoom 204.\n> And the phone?\n0711 1234", "Room 204.\n0711 1234"},
		{"signature", "Works now.\n--\nErika Mustermann\nPhone 123", "Works now."},
		{"Outlook English", "See below.\n\n-----Original Message-----\nFrom: Desk\nSent: Thursday", "See below."},
		{"Outlook German header block", "Anbei.\n\nVon: Service-Desk <desk@example.org>\nGesendet: Donnerstag, 3. Dezember 2026 10:15\nAn: Erika", "Anbei."},
		{"Outlook German separator", "Anbei.\n-----Ursprüngliche Nachricht-----\nVon: Desk", "Anbei."},
		{"Gmail on a phone, German", "Ab 14 Uhr.\n\nService-Desk <desk@example.org> schrieb am Do., 3. Dez. 2026, 11:30:\n\n> Wann?", "Ab 14 Uhr."},
		{"Gmail, hat geschrieben", "Ja.\n\nAm Do., 3. Dez. 2026 um 11:30 hat Service-Desk <desk@example.org> geschrieben:\n> Frage", "Ja."},
		{"iPhone signature", "Passt, danke!\n\nVon meinem iPhone gesendet\n\n> Am 03.12.2026 um 11:30 schrieb Desk:", "Passt, danke!"},
		{"Outlook for Android signature", "OK\n\nGesendet von Outlook für Android", "OK"},
		{"English phone signature", "Fine.\n\nSent from my iPhone", "Fine."},
		{"a sentence about sending is text", "Ich habe es gestern gesendet von zu Hause aus.", "Ich habe es gestern gesendet von zu Hause aus."},
		{"a line starting with Am is text", "Am Montag komme ich vorbei.\nDanke", "Am Montag komme ich vorbei.\nDanke"},
		{"nothing to cut", "Just text.", "Just text."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mailin.ReplyText(tt.in); got != tt.want {
				t.Errorf("ReplyText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBodyTextCutsAPhonesSignature(t *testing.T) {
	if got := mailin.BodyText("Die Ampel ist defekt.\n\nGesendet von Outlook für Android"); got != "Die Ampel ist defekt." {
		t.Errorf("BodyText = %q", got)
	}
}

func TestBodyTextKeepsQuotes(t *testing.T) {
	in := "Please see the forwarded mail.\n\n---------- Forwarded message ---------\nFrom: Citizen\n> the request\n--\nHans"
	want := "Please see the forwarded mail.\n\n---------- Forwarded message ---------\nFrom: Citizen\n> the request"
	if got := mailin.BodyText(in); got != want {
		t.Errorf("BodyText = %q, want %q", got, want)
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"blocks and entities", "<p>A&amp;B</p><div>C&nbsp;D</div>E<br>F", "A&B\n\nC D\nE\nF"},
		{"scripts and styles are dropped", "<head><style>x{}</style><script>bad()</script></head><body>ok<script>evil()</script><noscript>no</noscript></body>", "ok"},
		{"unclosed script drops the rest", "text<script>alert(1)", "text"},
		{"blockquote becomes a quote", "<p>Thanks</p><blockquote><p>question</p></blockquote>", "Thanks\n\n> question"},
		{"tags inside text are dropped", "<b>bold</b> and <i>italic</i>", "bold and italic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mailin.HTMLText(tt.in); got != tt.want {
				t.Errorf("HTMLText = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzParse feeds Parse arbitrary bytes, starting from the test mails: it
// must return a message with a Message-ID or an error, never panic.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := mailin.Parse(raw)
		if err != nil {
			return
		}
		if m.MessageID == "" {
			t.Error("a parsed message without Message-ID")
		}
	})
}
