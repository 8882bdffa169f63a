package engine_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// sweepFixture is an engine over the shipped desks with a clock the test
// moves.
func sweepFixture(t *testing.T) (fixture, *testkit.Clock) {
	t.Helper()
	cat := testkit.Compile(t, testkit.DeskFiles(t))
	st := openStore(t)
	clk := testkit.NewClock(clock)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{eng: eng, store: st}, clk
}

// citizenRequest is the data of a citizen request with the given photos.
func citizenRequest(photos ...string) map[string]any {
	d := map[string]any{"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.",
		"email": "n@example.org", "privacy_consent": true}
	if len(photos) > 0 {
		list := make([]any, len(photos))
		for i, p := range photos {
			list[i] = p
		}
		d["photo"] = list
	}
	return d
}

func upload(t *testing.T, f fixture, name string) *store.Attachment {
	t.Helper()
	a, err := f.eng.Upload(t.Context(), "portal:browser", name, "image/png", bytes.NewReader(pngHeader), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// gone reports whether the upload's record and its first chunk are both
// deleted.
func gone(t *testing.T, f fixture, a *store.Attachment) bool {
	t.Helper()
	_, err := f.store.Attachment(t.Context(), a.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	recordGone := errors.Is(err, store.ErrNotFound)
	var chunk bson.M
	err = f.store.Get(t.Context(), store.AttachmentChunksCollection, a.ID+"/000000", &chunk)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	if chunkGone := errors.Is(err, store.ErrNotFound); chunkGone != recordGone {
		t.Fatalf("%s: record gone %v, content gone %v", a.ID, recordGone, chunkGone)
	}
	return recordGone
}

// TestSweepUploads: after the grace period the sweep deletes the uploads
// no ticket took, record and content, and keeps those a create, a comment
// or a citizen's reply took, and those still within the grace period.
func TestSweepUploads(t *testing.T) {
	t.Parallel()
	f, clk := sweepFixture(t)
	ctx := t.Context()

	abandoned := upload(t, f, "verworfen.png")
	withCreate := upload(t, f, "laerm.png")
	tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: citizenRequest(withCreate.ID)})
	if err != nil {
		t.Fatal(err)
	}
	refused := upload(t, f, "abgelehnt.png")
	bad := citizenRequest(refused.ID)
	delete(bad, "summary")
	if _, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: bad}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("a create without a summary: %v", err)
	}
	withReply := upload(t, f, "antwort.png")
	if _, err := f.eng.CitizenReply(ctx, tk.Tracking, 0, "Hier noch ein Foto", []string{withReply.ID}, "de"); err != nil {
		t.Fatal(err)
	}
	withComment := upload(t, f, "notiz.png")
	if _, err := f.eng.CommentWithFiles(ctx, caseWorker, tk.Number, 0, "Foto vom Ort", true, []string{withComment.ID}, "de"); err != nil {
		t.Fatal(err)
	}

	clk.Advance(engine.DefaultUploadGrace - time.Hour)
	young := upload(t, f, "jung.png")
	clk.Advance(2 * time.Hour)

	n, err := f.eng.SweepUploads(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("swept %d uploads, want 2 (the abandoned one and the one of the refused create)", n)
	}
	for _, tt := range []struct {
		name string
		a    *store.Attachment
		gone bool
	}{
		{"an abandoned upload", abandoned, true},
		{"the upload of a refused create", refused, true},
		{"an upload a create took", withCreate, false},
		{"an upload a citizen's reply took", withReply, false},
		{"an upload an internal comment took", withComment, false},
		{"an upload within the grace period", young, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := gone(t, f, tt.a); got != tt.gone {
				t.Fatalf("gone = %v, want %v", got, tt.gone)
			}
			if tt.gone || tt.a == young {
				return
			}
			var out bytes.Buffer
			if _, err := f.eng.TicketFile(ctx, caseWorker, tk.Number, tt.a.ID, &out); err != nil || !bytes.Equal(out.Bytes(), pngHeader) {
				t.Fatalf("the ticket's file: %q, %v", out.Bytes(), err)
			}
		})
	}

	// A form kept open past the grace period: its file is gone, and the
	// create says so instead of making a ticket without it.
	_, err = f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: citizenRequest(abandoned.ID)})
	var ferr *fault.Error
	if !errors.As(err, &ferr) || len(ferr.Fields) != 1 || ferr.Fields[0].Field != "photo" || ferr.Fields[0].Code != "unknown_reference" {
		t.Fatalf("a create with a swept upload: %v, want photo/unknown_reference", err)
	}
	_, err = f.eng.CommentWithFiles(ctx, caseWorker, tk.Number, 0, "", false, []string{refused.ID}, "de")
	if !errors.As(err, &ferr) || len(ferr.Fields) != 1 || ferr.Fields[0].Field != "files" {
		t.Fatalf("a comment with a swept upload: %v, want files/unknown_reference", err)
	}

	// Later sweeps keep what tickets took, whatever their age.
	clk.Advance(30 * 24 * time.Hour)
	if n, err := f.eng.SweepUploads(ctx, time.Hour); err != nil || n != 1 {
		t.Fatalf("second sweep: %d, %v; want only the young abandoned upload", n, err)
	}
	for _, a := range []*store.Attachment{withCreate, withReply, withComment} {
		if gone(t, f, a) {
			t.Errorf("%s was swept", a.Name)
		}
	}
}

// TestSweepRacesCreate: a create that takes an old upload and a sweep run
// at the same time. Whichever wins, no ticket refers to a deleted file:
// either the ticket is made and its file is whole, or the file is gone
// and the create is refused.
func TestSweepRacesCreate(t *testing.T) {
	t.Parallel()
	f, clk := sweepFixture(t)
	ctx := t.Context()
	outcomes := map[string]int{}
	for range 12 {
		a := upload(t, f, "foto.png")
		clk.Advance(engine.DefaultUploadGrace + time.Minute)
		var wg sync.WaitGroup
		var createErr, sweepErr error
		var number string
		wg.Go(func() {
			tk, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: citizenRequest(a.ID)})
			if err == nil {
				number = tk.Number
			}
			createErr = err
		})
		wg.Go(func() { _, sweepErr = f.eng.SweepUploads(ctx, 0) })
		wg.Wait()
		if sweepErr != nil {
			t.Fatal(sweepErr)
		}
		switch {
		case createErr == nil:
			var out bytes.Buffer
			if _, err := f.eng.TicketFile(ctx, caseWorker, number, a.ID, &out); err != nil || !bytes.Equal(out.Bytes(), pngHeader) {
				t.Fatalf("%s took %s, but the file is not there: %v", number, a.ID, err)
			}
			outcomes["attached"]++
		case errors.Is(createErr, fault.Invalid):
			if !gone(t, f, a) {
				t.Fatalf("the create was refused, but %s is still there", a.ID)
			}
			outcomes["swept"]++
		default:
			t.Fatal(createErr)
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// steppedStore runs a step of the test in the middle of the engine's
// calls, to play the two orders of a sweep and an attach exactly.
type steppedStore struct {
	*store.Store
	beforeDelete, beforeAttach func()
}

func (s *steppedStore) DeletePendingUpload(ctx context.Context, id string, before time.Time) (bool, error) {
	if step := s.beforeDelete; step != nil {
		s.beforeDelete = nil
		step()
	}
	return s.Store.DeletePendingUpload(ctx, id, before)
}

func (s *steppedStore) AttachUpload(ctx context.Context, id, ticketNumber string) error {
	if step := s.beforeAttach; step != nil {
		s.beforeAttach = nil
		step()
	}
	return s.Store.AttachUpload(ctx, id, ticketNumber)
}

// TestSweepAndAttachInterleaved plays both orders of the race: a create
// that takes the upload after the sweep listed it but before it deleted it
// keeps the file; a sweep that deletes it after the create was checked but
// before it took the file refuses the create.
func TestSweepAndAttachInterleaved(t *testing.T) {
	t.Parallel()
	cat := testkit.Compile(t, testkit.DeskFiles(t))
	st := &steppedStore{Store: openStore(t)}
	clk := testkit.NewClock(clock)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{eng: eng, store: st.Store}
	ctx := t.Context()

	t.Run("attached between listing and delete", func(t *testing.T) {
		a := upload(t, f, "knapp.png")
		clk.Advance(engine.DefaultUploadGrace + time.Minute)
		var number string
		var createErr error
		st.beforeDelete = func() {
			var tk *ticket.Ticket
			tk, createErr = f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: citizenRequest(a.ID)})
			if tk != nil {
				number = tk.Number
			}
		}
		n, err := f.eng.SweepUploads(ctx, 0)
		if err != nil || createErr != nil {
			t.Fatalf("sweep: %v; create: %v", err, createErr)
		}
		if n != 0 || gone(t, f, a) {
			t.Fatalf("the sweep deleted %d uploads; %s gone: %v", n, a.ID, gone(t, f, a))
		}
		var out bytes.Buffer
		if _, err := f.eng.TicketFile(ctx, caseWorker, number, a.ID, &out); err != nil || !bytes.Equal(out.Bytes(), pngHeader) {
			t.Fatalf("the ticket's file: %v", err)
		}
	})
	t.Run("swept between the check and the attach", func(t *testing.T) {
		a := upload(t, f, "zuspaet.png")
		clk.Advance(engine.DefaultUploadGrace + time.Minute)
		var swept int
		var sweepErr error
		st.beforeAttach = func() { swept, sweepErr = f.eng.SweepUploads(ctx, 0) }
		_, err := f.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: citizenRequest(a.ID)})
		if sweepErr != nil || swept != 1 {
			t.Fatalf("sweep: %d, %v", swept, sweepErr)
		}
		var ferr *fault.Error
		if !errors.As(err, &ferr) || len(ferr.Fields) != 1 || ferr.Fields[0].Code != "unknown_reference" {
			t.Fatalf("create after its upload was swept: %v, want photo/unknown_reference", err)
		}
		if !gone(t, f, a) {
			t.Fatalf("%s is still there", a.ID)
		}
	})
}

// TestRestoredAttachmentsAreKept: the attachment records of a backup made
// before uploads were marked pending carry no mark; a restore keeps every
// one of them through any sweep.
func TestRestoredAttachmentsAreKept(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	old := openStore(t)
	// What an earlier vorgang wrote: a record without pending_since.
	legacy := &store.Attachment{ID: "att-fromtheoldserver", Name: "antrag.pdf", ContentType: "application/pdf",
		UploadedBy: "portal:x", Created: clock.Add(-90 * 24 * time.Hour)}
	if err := old.PutAttachment(ctx, legacy, bytes.NewReader([]byte("%PDF-1.4 Antrag")), 1<<20); err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if _, err := old.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}

	f, clk := sweepFixture(t)
	if _, err := f.store.Restore(ctx, &backup, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(365 * 24 * time.Hour)
	if n, err := f.eng.SweepUploads(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("sweep after the restore: %d, %v; want nothing deleted", n, err)
	}
	a, err := f.store.Attachment(ctx, legacy.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := f.store.WriteAttachment(ctx, a, &out); err != nil || out.String() != "%PDF-1.4 Antrag" {
		t.Fatalf("restored file: %q, %v", out.String(), err)
	}
}

// workshopDesk has files in every place a change brings them: the
// process form (also inside a repeating group), a transition's form, and
// the form of a transition that waits for an approval.
const workshopDesk = `apiVersion: vorgang/v1
kind: Process
id: repair
title: Reparatur
form: repair
audience: [staff]
team: workshop
states:
  - {id: open, category: open}
  - {id: fixed, category: open}
  - {id: ordered, category: closed}
transitions:
  - {id: fix, from: [open], to: fixed, roles: [mechanic], form: proof}
  - id: order
    from: [fixed]
    to: ordered
    roles: [mechanic]
    form: quote
    approval: {role: chief}
---
apiVersion: vorgang/v1
kind: Form
id: repair
title: Reparatur
fields:
  - {id: summary, type: text, label: Was, required: true}
  - {id: photo, type: file, label: Foto}
  - id: parts
    type: group
    label: Teile
    fields:
      - {id: name, type: text, label: Teil}
      - {id: receipt, type: file, label: Beleg}
---
apiVersion: vorgang/v1
kind: Form
id: proof
title: Nachweis
fields:
  - {id: proof, type: file, label: Nachweis}
---
apiVersion: vorgang/v1
kind: Form
id: quote
title: Angebot
fields:
  - {id: offer, type: file, label: Angebot}
---
apiVersion: vorgang/v1
kind: Role
id: mechanic
title: Werkstatt
permissions: [ticket.read_team, ticket.work]
---
apiVersion: vorgang/v1
kind: Role
id: chief
title: Werkstattleitung
permissions: [ticket.read_team]
---
apiVersion: vorgang/v1
kind: Team
id: workshop
title: Werkstatt
roles: [mechanic, chief]
`

// TestEveryChangeTakesItsUploads: a create (a field and a group's
// entry), a transition's form and an approval request each take the
// uploads they refer to, so the sweep keeps them; a swept upload in a
// group's entry is refused at that entry's field.
func TestEveryChangeTakesItsUploads(t *testing.T) {
	t.Parallel()
	cat := testkit.Compile(t, []definition.File{{Path: "processes/workshop.yaml", Data: []byte(workshopDesk)}})
	st := openStore(t)
	clk := testkit.NewClock(clock)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{eng: eng, store: st}
	ctx := t.Context()
	mechanic := &auth.Principal{User: "max", Roles: []string{"mechanic"}, Teams: []string{"workshop"},
		Permissions: map[string]bool{"ticket.read_team": true, "ticket.work": true}}

	photo, receipt, proof, offer, stray := upload(t, f, "foto.png"), upload(t, f, "beleg.png"), upload(t, f, "nachweis.png"), upload(t, f, "angebot.png"), upload(t, f, "liegen.png")
	tk, err := f.eng.Create(ctx, mechanic, engine.CreateRequest{Process: "repair", Data: map[string]any{
		"summary": "Bremse", "photo": []any{photo.ID},
		"parts": []any{map[string]any{"name": "Scheibe"}, map[string]any{"name": "Belag", "receipt": []any{receipt.ID}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Transition(ctx, mechanic, tk.Number, engine.TransitionRequest{Transition: "fix", Data: map[string]any{"proof": []any{proof.ID}}}); err != nil {
		t.Fatal(err)
	}
	waiting, err := f.eng.Transition(ctx, mechanic, tk.Number, engine.TransitionRequest{Transition: "order", Data: map[string]any{"offer": []any{offer.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	if waiting.Approval() == nil {
		t.Fatalf("the order does not wait for an approval: state %s", waiting.State)
	}

	clk.Advance(engine.DefaultUploadGrace + time.Hour)
	if n, err := f.eng.SweepUploads(ctx, 0); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v; want only the stray upload", n, err)
	}
	if !gone(t, f, stray) {
		t.Errorf("the stray upload was kept")
	}
	for _, a := range []*store.Attachment{photo, receipt, proof, offer} {
		t.Run(a.Name, func(t *testing.T) {
			if gone(t, f, a) {
				t.Fatalf("swept")
			}
			stored, err := f.store.Attachment(ctx, a.ID)
			if err != nil || stored.Ticket != tk.Number || stored.PendingSince != "" {
				t.Fatalf("record %+v, %v; want taken by %s", stored, err, tk.Number)
			}
		})
	}

	_, err = f.eng.Create(ctx, mechanic, engine.CreateRequest{Process: "repair", Data: map[string]any{
		"summary": "Kupplung", "parts": []any{map[string]any{"name": "Seil", "receipt": []any{stray.ID}}}}})
	var ferr *fault.Error
	if !errors.As(err, &ferr) || len(ferr.Fields) != 1 || ferr.Fields[0].Field != "parts[0].receipt" || ferr.Fields[0].Code != "unknown_reference" {
		t.Fatalf("a create with a swept upload in a group: %v, want parts[0].receipt/unknown_reference", err)
	}
}
