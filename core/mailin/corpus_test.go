package mailin_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vorgang/core/mailin"
)

// corpusCase is what one message of testdata/corpus must become.
type corpusCase struct {
	file    string
	outcome string
	// A ticket: its subject, sender's name and address (empty: none).
	subject, name, email string
	// text must all be in the ticket's body or the comment; notText
	// none of it. comment, when set, is the whole comment.
	text, notText []string
	comment       string
	// files are the names of the attachments kept.
	files []string
	// ofSeed: the bounce or reply is about the first ticket.
	ofSeed bool
}

// corpus is the real-world-shaped mail of testdata/corpus: what mail
// programs and mail servers send, in German and English. Placeholders:
// {{TICKET}} is the number of a ticket the citizen opened before,
// {{OWN_ID}} the Message-ID of vorgang's mail about it.
var corpus = []corpusCase{
	{file: "01-outlook-new-de.eml", outcome: mailin.OutcomeTicket,
		subject: "Drucker im Büro 3.14 druckt nur noch leere Seiten", name: "Jürgen König", email: "juergen.koenig@example.net",
		text:    []string{"der Drucker im Büro 3.14 druckt seit gestern nur noch leere Seiten.", "Mit freundlichen Grüßen\nJürgen König"},
		notText: []string{"MsoNormal", "<"}},
	{file: "02-thunderbird-reply-de.eml", outcome: mailin.OutcomeReply, ofSeed: true,
		comment: "Hallo,\n\ndas Gerät steht in Raum 204, die Inventarnummer ist IT-4711.\n\nViele Grüße\nErika"},
	{file: "03-gmail-reply-en.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "Room 204, on the second floor."},
	{file: "04-outlook-reply-de.eml", outcome: mailin.OutcomeReply, ofSeed: true,
		comment: "Hallo,\n\nder Drucker steht im Erdgeschoss, Zimmer 0.12 – direkt neben der Poststelle.\n\nGruß\nErika"},
	{file: "05-outlook-reply-en-html-only.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "It is the HP LaserJet next to the kitchen."},
	{file: "06-apple-mail-reply-de.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "Erledigt, der Drucker läuft wieder."},
	{file: "07-iphone-reply-de.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "Passt, danke!"},
	{file: "08-gmail-android-reply-de.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "Ich bin ab 14 Uhr im Büro."},
	{file: "09-html-only-table.eml", outcome: mailin.OutcomeTicket, subject: "Streusalz-Bestellung", name: "Bauhof Nord", email: "bauhof.nord@example.net",
		text:    []string{"Bitte liefern Sie:", "Streusalz", "20 t", "Splitt", "Danke & Gruß"},
		notText: []string{"tracker", "alert", "<", "border"}},
	{file: "10-iso-8859-1-qp.eml", outcome: mailin.OutcomeTicket, subject: "Schlüssel für Gebäude C", name: "Greta Müller", email: "greta.mueller@example.net",
		text: []string{"Ich benötige einen Schlüssel für Gebäude C, Raum 1.07 (Größe: Standard)."}},
	{file: "11-windows-1252-8bit.eml", outcome: mailin.OutcomeTicket, subject: "Rechnung „Toner“ – 150 €", name: "René François", email: "rene@example.net",
		text: []string{"Die Rechnung „Toner“ über 150 € ist noch offen – bitte prüfen."}},
	{file: "12-encoded-word-subject.eml", outcome: mailin.OutcomeTicket, subject: "VPN fällt ständig aus – bitte dringend ⚠", name: "Zoë Öztürk", email: "zoe@example.net",
		text: []string{"Seit dem Update trennt sich das VPN alle paar Minuten."}},
	{file: "13-inline-image.eml", outcome: mailin.OutcomeTicket, subject: "Fehlermeldung beim Anmelden", name: "Erika Mustermann", email: "erika@example.net",
		text: []string{"Beim Anmelden kommt diese Meldung:", "Gruß Erika"}, notText: []string{"cid:"}, files: []string{"image001.png"}},
	{file: "14-attachments-allowed-and-refused.eml", outcome: mailin.OutcomeTicket, subject: "Antrag mit Unterlagen", name: "Erika Mustermann", email: "erika@example.net",
		text: []string{"Anbei der Antrag als PDF und das Formular."}, files: []string{"antrag.pdf"}},
	{file: "15-rfc2231-filename.eml", outcome: mailin.OutcomeTicket, subject: "Plan", name: "Erika Mustermann", email: "erika@example.net",
		text: []string{"Der Lageplan."}, files: []string{"Straßenplan Süd.pdf"}},
	{file: "16-winmail-dat.eml", outcome: mailin.OutcomeTicket, subject: "Zugang zum Fachverfahren", name: "Klaus Bauer", email: "klaus.bauer@example.net",
		text: []string{"Bitte richten Sie mir den Zugang zum Fachverfahren ein"}},
	{file: "17-forwarded-inline.eml", outcome: mailin.OutcomeTicket, subject: "WG: Laterne defekt", name: "Hans Mueller", email: "hans.mueller@example.net",
		text: []string{"Zur Erledigung.", "Von: Anna Becker <anna@example.com>", "Die Laterne vor der Schillerstraße 5 ist seit Tagen aus."}},
	{file: "18-forwarded-as-attachment.eml", outcome: mailin.OutcomeTicket, subject: "Fwd: Wasserschaden Turnhalle", name: "Hans Mueller", email: "hans.mueller@example.net",
		text: []string{"Bitte kümmern.", "In der Turnhalle tropft es von der Decke."}},
	{file: "19-out-of-office-exchange-de.eml", outcome: mailin.OutcomeQuarantine},
	{file: "20-x-autoreply.eml", outcome: mailin.OutcomeQuarantine},
	{file: "21-precedence-bulk.eml", outcome: mailin.OutcomeQuarantine},
	{file: "22-bounce-postfix.eml", outcome: mailin.OutcomeBounce, ofSeed: true},
	{file: "23-ndr-exchange.eml", outcome: mailin.OutcomeBounce, ofSeed: true},
	{file: "24-no-from.eml", outcome: mailin.OutcomeTicket, subject: "Scan vom Multifunktionsgeraet",
		text: []string{"Gescanntes Dokument, Seite 1."}},
	{file: "25-no-subject.eml", outcome: mailin.OutcomeTicket, subject: "(erika@example.net)", name: "Erika Mustermann", email: "erika@example.net",
		text: []string{"Mein Bildschirm flackert."}},
	{file: "26-no-from-no-subject-no-id.eml", outcome: mailin.OutcomeTicket, subject: "(no subject)", text: []string{"Hallo?"}},
	{file: "27-meeting-request.eml", outcome: mailin.OutcomeTicket, subject: "Termin: Einweisung neue Telefonanlage", name: "Erika Mustermann", email: "erika@example.net",
		text: []string{"Bitte um Einweisung in die neue Telefonanlage."}, notText: []string{"VCALENDAR", "DTSTART"}},
	{file: "28-reply-only-attachment.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "", files: []string{"IMG_0042.jpg"}},
	{file: "29-reply-by-subject-number-outlook-en.eml", outcome: mailin.OutcomeReply, ofSeed: true, comment: "Yes, that is correct."},
	{file: "30-stranger-reply.eml", outcome: mailin.OutcomeTicket, name: "Someone Else", email: "someone@example.com",
		text: []string{"I have the same problem on my floor.", "Which room is the printer in?"}},
	{file: "31-sent-from-mobile-new.eml", outcome: mailin.OutcomeTicket, subject: "Ampel defekt", name: "Max Mustermann", email: "max@example.net",
		text:    []string{"Die Fußgängerampel an der Hauptstraße/Ecke Lindenweg zeigt dauerhaft Rot."},
		notText: []string{"Gesendet von"}},
}

// TestCorpus delivers each message of the corpus over LMTP, after a
// citizen's request, and checks what it became: a ticket with its fields
// and files, a reply on the citizen's ticket with the text they wrote,
// a quarantined automatic mail, a bounce about the ticket.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(corpus) {
		t.Fatalf("testdata/corpus holds %d messages, the table %d: each message needs its case", len(files), len(corpus))
	}
	e := newLMTPEnv(t, options{})
	if got := e.deliver("new-request.eml"); got != 250 {
		t.Fatalf("the first request answered %d", got)
	}
	seed := e.only().Number
	own := e.threads.MessageID("outbox-1", seed, "desk@example.org")
	ctx := context.Background()
	for _, tt := range corpus {
		t.Run(strings.TrimSuffix(tt.file, ".eml"), func(t *testing.T) {
			raw := strings.NewReplacer("{{TICKET}}", seed, "{{OWN_ID}}", own).Replace(string(read(t, filepath.Join("corpus", tt.file))))
			crlf := bytes.ReplaceAll([]byte(strings.ReplaceAll(raw, "\r\n", "\n")), []byte("\n"), []byte("\r\n"))
			commentsBefore := len(e.comments(seed))
			if got := send(t, e.addr, "mx@example.net", []string{"desk@example.org"}, crlf, nil)["desk@example.org"]; got != 250 {
				t.Fatalf("answered %d, want 250", got)
			}
			m, err := mailin.Parse(crlf)
			if err != nil {
				t.Fatal(err)
			}
			r, err := mailin.Lookup(ctx, e.app.Store, "desk", m.MessageID)
			if err != nil || r == nil {
				t.Fatalf("no record of %s: %v", m.MessageID, err)
			}
			if r.Outcome != tt.outcome {
				t.Fatalf("outcome %s (%s), want %s", r.Outcome, r.Reason, tt.outcome)
			}
			switch tt.outcome {
			case mailin.OutcomeTicket:
				tk := e.ticket(r.Ticket)
				if tk.Number == seed {
					t.Fatal("filed on the first ticket, want a new one")
				}
				if tt.subject != "" && tk.Data["subject"] != tt.subject {
					t.Errorf("subject %q, want %q", tk.Data["subject"], tt.subject)
				}
				if got, _ := tk.Data["name"].(string); got != tt.name {
					t.Errorf("name %q, want %q", got, tt.name)
				}
				if got, _ := tk.Data["email"].(string); got != tt.email {
					t.Errorf("email %q, want %q", got, tt.email)
				}
				body, _ := tk.Data["body"].(string)
				checkText(t, body, tt)
				ids, _ := tk.Data["files"].([]any)
				checkFiles(t, e, ids, tt.files)
			case mailin.OutcomeReply:
				if r.Ticket != seed {
					t.Fatalf("reply on %s, want %s", r.Ticket, seed)
				}
				cs := e.comments(seed)
				if len(cs) != commentsBefore+1 {
					t.Fatalf("%d comments, want %d", len(cs), commentsBefore+1)
				}
				c := cs[len(cs)-1]
				if c.Text != tt.comment {
					t.Errorf("comment %q, want %q", c.Text, tt.comment)
				}
				var ids []any
				for _, f := range c.Files {
					ids = append(ids, f)
				}
				checkFiles(t, e, ids, tt.files)
			case mailin.OutcomeBounce:
				if tt.ofSeed && r.Ticket != seed {
					t.Errorf("bounce about %q, want %s", r.Ticket, seed)
				}
			}
			if tt.outcome != mailin.OutcomeReply {
				if n := len(e.comments(seed)); n != commentsBefore {
					t.Errorf("the first ticket got a comment")
				}
			}
		})
	}
}

func checkText(t *testing.T, got string, tt corpusCase) {
	t.Helper()
	for _, s := range tt.text {
		if !strings.Contains(got, s) {
			t.Errorf("text %q lacks %q", got, s)
		}
	}
	for _, s := range tt.notText {
		if strings.Contains(got, s) {
			t.Errorf("text %q holds %q", got, s)
		}
	}
}

func checkFiles(t *testing.T, e *lmtpEnv, ids []any, want []string) {
	t.Helper()
	var names []string
	for _, id := range ids {
		a, err := e.app.Store.Attachment(context.Background(), id.(string))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Name)
	}
	if !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
}

// TestCorpusParses: every message of the corpus parses, and has a
// Message-ID (its own or one made from its content).
func TestCorpusParses(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mailin.Parse(raw)
		if err != nil || m.MessageID == "" {
			t.Errorf("%s: %v, Message-ID %q", f, err, m.MessageID)
		}
	}
}
