package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// AttachmentDeleter deletes a ticket's files; *store.Store implements it.
type AttachmentDeleter interface {
	DeleteTicketAttachment(ctx context.Context, id, number string) (bool, error)
}

// HistoryRewriter rewrites committed history entries in place;
// *store.Store implements it. Only anonymisation and sealing use it.
type HistoryRewriter interface {
	RewriteHistory(ctx context.Context, number string, entries []ticket.HistoryEntry) error
}

// Anonymisation says what to remove from one ticket.
type Anonymisation struct {
	// Reason is ticket.ReasonRetention or ticket.ReasonRequest; Rule or
	// Request names what asked for it.
	Reason, Rule, Request string
	// Fields are form fields whose values are removed from the ticket and
	// from every history entry (the form data of the create and of
	// transitions, the changes scripts and transitions made).
	Fields []string
	// Requester removes who filed the ticket: the requester and the
	// tracking link of the ticket, the actor of their entries and what
	// they wrote (replies, comments, files, Message-IDs), and every field
	// the process's forms declare personal.
	Requester bool
	// Attachments deletes the ticket's files (of comments and of the
	// forms' file fields) and removes their names and ids from the
	// ticket and its history.
	Attachments bool
	// Values are further values of history entries to remove, as
	// ticket.RemovedKey names them ("<seq>:<path>"): a comment naming a
	// data subject.
	Values []string
	// Subject, when set, adds what names this data subject in the ticket
	// and its history as stored when the ticket is written (forSubject):
	// a value added after the subject was searched goes too.
	Subject *Subject
}

// AnonymiseResult says what an anonymisation removed.
type AnonymiseResult struct {
	// Removed counts the values removed from history entries.
	Removed int
	// Fields lists the ticket's own fields cleared.
	Fields []string
	// Files counts the attachments deleted.
	Files int
	// Recorded is false when there was nothing left to remove (a ticket
	// anonymised before): no entry was added.
	Recorded bool
}

// ErrUnsealed reports a ticket whose history was written before values
// were sealed: its values cannot be removed until `vorgang audit seal`
// has sealed it (see docs/privacy.md).
var ErrUnsealed = errUnsealed

// Anonymise removes personal values from the ticket number and its
// history as a says, and records what it removed in an anonymised
// history entry (which names no value). Removed values leave their
// salted digests, so the history chain still verifies, and the entry
// makes every removal part of the chain. Running it again removes what
// is left and completes a record a crash cut off; when nothing is left it
// adds no entry. Only one ticket is locked at a time, for one update.
func (e *Engine) Anonymise(ctx context.Context, number string, a Anonymisation) (AnonymiseResult, error) {
	var res AnonymiseResult
	_, err := e.change(ctx, 0, func() (*ticket.Ticket, error) { return e.store.Ticket(ctx, number) },
		func(t *ticket.Ticket) (*ticket.HistoryEntry, error) {
			if t.LegalHold {
				return nil, fmt.Errorf("engine: anonymise %s: the ticket is under legal hold: %w", t.Number, fault.NotAllowedNow)
			}
			entries, err := e.store.History(ctx, t)
			if err != nil {
				return nil, fmt.Errorf("engine: anonymise %s: %w", t.Number, err)
			}
			// Not activity: last_activity rules keep counting from
			// the change before (change sets Updated for the feeders).
			t.KeepActivity()
			a := a
			if a.Subject != nil {
				a = e.forSubject(t, entries, a)
			}
			p, err := e.planAnonymisation(t, entries, a)
			if err != nil {
				return nil, err
			}
			if len(p.changed) > 0 {
				// Written before the record: a crash in between leaves
				// removals the next run records (see unrecorded).
				if err := e.store.RewriteHistory(ctx, t.Number, p.changed); err != nil {
					return nil, fmt.Errorf("engine: anonymise %s: %w", t.Number, err)
				}
			}
			var entry *ticket.HistoryEntry
			res, entry, err = e.finishAnonymisation(ctx, t, entries, a, p)
			return entry, err
		})
	if err != nil {
		return AnonymiseResult{}, err
	}
	e.logAnonymised(ctx, number, a, res)
	return res, nil
}

// anonymisationPlan is what anonymising one ticket removes: the history
// entries that lost values (redacted in place), the fields whose values
// go, the files to delete.
type anonymisationPlan struct {
	changed []ticket.HistoryEntry
	fields  []string
	files   []string
	removed int
}

// planAnonymisation removes from entries (the committed history of t) the
// values a asks to remove and lists what else goes; it changes neither t
// nor the store.
func (e *Engine) planAnonymisation(t *ticket.Ticket, entries []ticket.HistoryEntry, a Anonymisation) (anonymisationPlan, error) {
	var p anonymisationPlan
	p.fields = slices.Clone(a.Fields)
	if a.Requester {
		p.fields = append(p.fields, e.personalFields(t.Process)...)
	}
	if a.Attachments {
		p.fields = append(p.fields, e.fileFields(t.Process)...)
	}
	slices.Sort(p.fields)
	p.fields = slices.Compact(p.fields)
	if a.Attachments {
		p.files = ticketFiles(t, entries)
	}
	for i := range entries {
		h := &entries[i]
		n := 0
		for _, path := range removalPaths(t, h, p.fields, a) {
			done, err := redact(h, path)
			if err != nil {
				return anonymisationPlan{}, fmt.Errorf("engine: anonymise %s: %w", t.Number, err)
			}
			if done {
				n++
			}
		}
		if n > 0 {
			p.removed += n
			p.changed = append(p.changed, *h)
		}
	}
	return p, nil
}

// finishAnonymisation deletes the plan's files, clears the ticket's own
// fields and returns the anonymised entry that records it all, nil when
// there was nothing left to remove. The history entries the plan changed
// are stored with the entry or before it: a crash after they are stored
// leaves removals the next run records (see unrecorded).
func (e *Engine) finishAnonymisation(ctx context.Context, t *ticket.Ticket, entries []ticket.HistoryEntry, a Anonymisation, p anonymisationPlan) (AnonymiseResult, *ticket.HistoryEntry, error) {
	res := AnonymiseResult{Removed: p.removed}
	// Files go before the record: a crash after leaves nothing the next
	// run cannot finish.
	for _, id := range p.files {
		deleted, err := e.store.DeleteTicketAttachment(ctx, id, t.Number)
		if err != nil {
			return AnonymiseResult{}, nil, fmt.Errorf("engine: anonymise %s: %w", t.Number, err)
		}
		if deleted {
			res.Files++
		}
	}
	res.Fields = e.clearTicketFields(t, p.fields, a)
	if res.Files > 0 {
		res.Fields = append(res.Fields, "attachments")
	}
	removed := unrecorded(entries)
	// A rule is recorded as applied even when it found nothing, so it is
	// not looked at again.
	newRule := a.Rule != "" && !slices.Contains(t.Retained, a.Rule)
	if newRule {
		t.Retained = append(slices.Clone(t.Retained), a.Rule)
	}
	if len(removed) == 0 && len(res.Fields) == 0 && !newRule {
		return res, nil, nil
	}
	res.Recorded = true
	return res, ticket.NewEntry(system.User, ticket.Anonymised{Reason: a.Reason, Rule: a.Rule, Request: a.Request,
		Removed: removed, Fields: res.Fields}), nil
}

// logAnonymised logs an anonymisation that was recorded, naming no value.
func (e *Engine) logAnonymised(ctx context.Context, number string, a Anonymisation, res AnonymiseResult) {
	if res.Recorded {
		e.log.InfoContext(ctx, "ticket anonymised", "ticket", number, "reason", a.Reason, "rule", a.Rule,
			"request", a.Request, "removed", res.Removed, "fields", len(res.Fields))
	}
}

// removalPaths lists the sealable paths of entry h that a removes.
func removalPaths(t *ticket.Ticket, h *ticket.HistoryEntry, fields []string, a Anonymisation) []string {
	var out []string
	// The requester's entries: by their user, or a citizen's reply (whose
	// actor is "citizen" or the address a mail came from).
	byRequester := t.Requester != "" && h.Actor == t.Requester || h.Type == ticket.EntryCitizenReply
	for _, p := range h.SealablePaths() {
		segs := ticket.SplitPath(p)
		switch {
		case p == ticket.PathActor:
			// "citizen" names nobody and stays, so the timeline still
			// says who wrote.
			if a.Requester && byRequester && h.Actor != actorName(nil) {
				out = append(out, p)
			}
		case len(segs) == 2: // data/text, data/comment, data/files, data/message_id
			if a.Requester && byRequester ||
				a.Attachments && segs[1] == "files" {
				out = append(out, p)
			}
		default:
			if slices.Contains(fields, formField(segs)) {
				out = append(out, p)
			}
		}
		if slices.Contains(a.Values, ticket.RemovedKey(h.Seq, p)) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	// Removed values are no longer sealable; keep asking for them so a
	// crash between rewrite and record is completed (redact skips them).
	return out
}

// formField is the form field a data path under data/data or data/changes
// belongs to, "" for none.
func formField(segs []string) string {
	switch {
	case len(segs) == 3 && segs[1] == "data":
		return segs[2]
	case len(segs) == 4 && segs[1] == "changes" && len(segs[2]) > 5 && segs[2][:5] == "data.":
		return segs[2][5:]
	case len(segs) == 4 && segs[1] == "changes" && segs[2] == "data":
		return "" // a whole-data change: old and new are maps, see below
	case len(segs) == 5 && segs[1] == "changes" && segs[2] == "data":
		return segs[3]
	}
	return ""
}

// unrecorded lists the removed values of the history no anonymised entry
// records yet, sorted.
func unrecorded(entries []ticket.HistoryEntry) []string {
	recorded := map[string]bool{}
	for i := range entries {
		if entries[i].Type != ticket.EntryAnonymised {
			continue
		}
		if a, err := entries[i].Decode(); err == nil {
			for _, k := range a.(ticket.Anonymised).Removed {
				recorded[k] = true
			}
		}
	}
	var out []string
	for i := range entries {
		for _, p := range slices.Sorted(maps.Keys(entries[i].Redacted)) {
			if k := ticket.RemovedKey(entries[i].Seq, p); !recorded[k] {
				out = append(out, k)
			}
		}
	}
	return out
}

// clearTicketFields clears what a removes from the ticket itself and
// lists what it cleared.
func (e *Engine) clearTicketFields(t *ticket.Ticket, fields []string, a Anonymisation) []string {
	var out []string
	if t.Data != nil {
		data := maps.Clone(t.Data)
		for _, f := range fields {
			if _, ok := data[f]; ok {
				delete(data, f)
				out = append(out, "data."+f)
			}
		}
		t.Data = data
	}
	if a.Requester {
		// "citizen" names nobody: the citizen's details are in the form
		// data (its personal fields) and the tracking link.
		if t.Requester != "" && t.Requester != actorName(nil) {
			t.Requester = ""
			out = append(out, "requester")
		}
		if t.Tracking != "" {
			t.Tracking = ""
			out = append(out, "tracking")
		}
	}
	if len(out) > 0 {
		// A title made from the form data may hold what was removed.
		if title := e.templateTitle(t); title != t.Title {
			t.Title = title
			out = append(out, "title")
		}
	}
	return out
}

// personalFields lists the fields the process's forms (its opening form
// and its transitions' forms) declare personal, as the definitions in
// service say.
func (e *Engine) personalFields(process string) []string {
	cat := e.catalog()
	p := cat.Process(process)
	if p == nil {
		return nil
	}
	var out []string
	add := func(formID string) {
		if f := cat.Form(formID); f != nil {
			for _, fd := range f.AllFields() {
				// A group holding a personal field is removed whole.
				if fd.IsPersonal() || slices.ContainsFunc(fd.Fields, func(sub definition.Field) bool { return sub.IsPersonal() }) {
					out = append(out, fd.ID.Value)
				}
			}
		}
	}
	add(p.Form.Value)
	for i := range p.Transitions {
		add(p.Transitions[i].Form.Value)
	}
	return out
}

// fileFields lists the file fields of the process's forms.
func (e *Engine) fileFields(process string) []string {
	cat := e.catalog()
	p := cat.Process(process)
	if p == nil {
		return nil
	}
	var out []string
	add := func(formID string) {
		if f := cat.Form(formID); f != nil {
			for _, fd := range f.AllFields() {
				if fd.Type == definition.FieldFile {
					out = append(out, fd.ID.Value)
				}
			}
		}
	}
	add(p.Form.Value)
	for i := range p.Transitions {
		add(p.Transitions[i].Form.Value)
	}
	return out
}

// ticketFiles lists the ids of the files the ticket and its history
// refer to: comment files and the values of form data that are ids of
// stored files.
func ticketFiles(t *ticket.Ticket, entries []ticket.HistoryEntry) []string {
	out := attachmentIDs(t.Data)
	for i := range entries {
		if v, ok := entries[i].ValueAt("data/files"); ok {
			out = append(out, stringsOf(v)...)
		}
		if v, ok := entries[i].ValueAt("data/data"); ok {
			if m, ok := v.(map[string]any); ok {
				out = append(out, attachmentIDs(m)...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
