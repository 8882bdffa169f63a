package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// TestDataSubjectRequest: the export for a citizen's address lists every
// place it is stored — the ticket they filed with its form data, their
// reply, the name of their photo, a staff comment on another ticket
// naming them, the mails queued to them — and nothing of anybody else;
// anonymising on request removes it, verifiably, and is recorded.
func TestDataSubjectRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	photo, err := f.eng.Upload(ctx, "portal:browser", "erika-hof.png", "image/png", bytes.NewReader(pngHeader), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	erika := citizenRequest(photo.ID)
	erika["email"], erika["contact_name"] = "Erika@Example.org", "Erika Mustermann"
	mine, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: erika})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CitizenReply(ctx, mine.Tracking, 0, "Ich bin tagsüber erreichbar.", nil, "de"); err != nil {
		t.Fatal(err)
	}
	max := citizenRequest()
	max["email"], max["contact_name"] = "max@example.org", "Max Meier"
	other, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: max})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Comment(ctx, caseWorker, other.Number, 0, "Nachbarin erika@example.org hat sich auch beschwert.", true, "de"); err != nil {
		t.Fatal(err)
	}

	subject := engine.Subject{Email: "erika@example.org"}
	for _, tc := range []struct {
		name  string
		actor *auth.Principal
	}{{"staff without the permission", caseWorker}, {"a citizen", nil}} {
		if _, err := f.eng.FindSubject(ctx, tc.actor, subject); !errors.Is(err, fault.Forbidden) {
			t.Errorf("%s: %v, want forbidden", tc.name, err)
		}
		if _, err := f.eng.AnonymiseSubject(ctx, tc.actor, subject); !errors.Is(err, fault.Forbidden) {
			t.Errorf("%s anonymising: %v, want forbidden", tc.name, err)
		}
	}
	if _, err := f.eng.FindSubject(ctx, privacyOfficer, engine.Subject{}); !errors.Is(err, fault.Invalid) {
		t.Errorf("without a subject: %v, want invalid", err)
	}

	rep, err := f.eng.FindSubject(ctx, privacyOfficer, subject)
	if err != nil {
		t.Fatal(err)
	}
	export, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	text := string(export)
	for _, want := range []string{mine.Number, other.Number, "Erika Mustermann", "Ich bin tagsüber erreichbar.",
		"erika-hof.png", "Nachbarin erika@example.org", `"requester":true`} {
		if !strings.Contains(text, want) {
			t.Errorf("the export lacks %q:\n%s", want, text)
		}
	}
	if len(rep.Mails) == 0 {
		t.Errorf("the export lists no mail to the subject:\n%s", text)
	}
	for _, foreign := range []string{"max@example.org", "Max Meier"} {
		if strings.Contains(text, foreign) {
			t.Errorf("the export names someone else (%q):\n%s", foreign, text)
		}
	}

	rec, err := f.eng.AnonymiseSubject(ctx, privacyOfficer, subject)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Tickets) != 2 || rec.Removed == 0 || rec.By != privacyOfficer.User {
		t.Fatalf("record %+v, want both tickets and removals by %s", rec, privacyOfficer.User)
	}
	var stored engine.SubjectErasure
	if err := f.store.Get(ctx, "privacy_requests", rec.ID, &stored); err != nil || strings.Contains(strings.ToLower(stored.ID+stored.By), "erika") {
		t.Fatalf("stored record %+v, %v", stored, err)
	}
	for _, n := range []string{mine.Number, other.Number} {
		if p := auditProblems(t, f.store, n); len(p) > 0 {
			t.Fatalf("%s: %v", n, p)
		}
		if s := strings.ToLower(storedText(t, f.store, n)); strings.Contains(s, "erika@example.org") || strings.Contains(s, "erika mustermann") {
			t.Errorf("%s still holds the subject's data", n)
		}
	}
	if !strings.Contains(storedText(t, f.store, other.Number), "max@example.org") {
		t.Error("anonymising Erika removed Max's address")
	}
	after, err := f.eng.FindSubject(ctx, privacyOfficer, subject)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range after.Tickets {
		for _, p := range st.Places {
			if !strings.HasPrefix(p.Where, "file ") {
				t.Errorf("after anonymising, %s still holds %s = %v", st.Number, p.Where, p.Value)
			}
		}
	}
}

// TestRetentionDeletesAttachments: a rule with attachments: true deletes
// the ticket's files (record and content), removes their ids and names
// from the ticket and its history, and the history still verifies.
func TestRetentionDeletesAttachments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	photo, err := f.eng.Upload(ctx, "portal:browser", "hof-mustermann.png", "image/png", bytes.NewReader(pngHeader), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: citizenRequest(photo.ID)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.eng.Anonymise(ctx, tk.Number, engine.Anonymisation{Reason: "retention", Rule: "description", Attachments: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 1 {
		t.Fatalf("result %+v, want one file deleted", res)
	}
	if _, err := f.store.Attachment(ctx, photo.ID); err == nil {
		t.Error("the photo is still stored")
	}
	if strings.Contains(storedText(t, f.store, tk.Number), photo.ID) {
		t.Error("the ticket still refers to the deleted photo")
	}
	if p := auditProblems(t, f.store, tk.Number); len(p) > 0 {
		t.Fatal(p)
	}
}

// armedStore is the real store, but the first ticket read once armed
// runs meanwhile first: another writer's change.
type armedStore struct {
	*store.Store
	armed     atomic.Bool
	meanwhile func()
}

func (s *armedStore) Ticket(ctx context.Context, number string) (*ticket.Ticket, error) {
	if s.armed.CompareAndSwap(true, false) {
		s.meanwhile()
	}
	return s.Store.Ticket(ctx, number)
}

// TestDataSubjectRequestRemovesWhatIsStoredWhenWritten: a comment naming
// the subject, added to a ticket after the request searched it and before
// it was anonymised, is removed too: each ticket is searched again as it
// is written.
func TestDataSubjectRequestRemovesWhatIsStoredWhenWritten(t *testing.T) {
	t.Parallel()
	cat := testkit.Compile(t, testkit.DeskFiles(t))
	st := &armedStore{Store: openStore(t)}
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	erika := citizenRequest()
	erika["email"], erika["contact_name"] = "erika@example.org", "Erika Mustermann"
	mine, err := eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: erika})
	if err != nil {
		t.Fatal(err)
	}
	max := citizenRequest()
	max["email"], max["contact_name"] = "max@example.org", "Max Meier"
	other, err := eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: max})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Comment(ctx, caseWorker, other.Number, 0, "Nachbarin erika@example.org hat sich auch beschwert.", true, "de"); err != nil {
		t.Fatal(err)
	}
	st.meanwhile = func() {
		if _, err := eng.Comment(ctx, caseWorker, other.Number, 0, "Rückruf an erika@example.org erledigt.", true, "de"); err != nil {
			t.Errorf("comment meanwhile: %v", err)
		}
	}
	st.armed.Store(true) // the request's first write reads the ticket first
	rec, err := eng.AnonymiseSubject(ctx, privacyOfficer, engine.Subject{Email: "erika@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if st.armed.Load() {
		t.Fatal("nothing was changed meanwhile")
	}
	if len(rec.Tickets) != 2 {
		t.Fatalf("record %+v, want both tickets", rec)
	}
	for _, n := range []string{mine.Number, other.Number} {
		if s := strings.ToLower(storedText(t, st.Store, n)); strings.Contains(s, "erika@example.org") {
			t.Errorf("%s still holds the subject's address", n)
		}
		if p := auditProblems(t, st.Store, n); len(p) > 0 {
			t.Errorf("%s: audit: %v", n, p)
		}
	}
	if !strings.Contains(storedText(t, st.Store, other.Number), "max@example.org") {
		t.Error("anonymising Erika removed Max's address")
	}
}
