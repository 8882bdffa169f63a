package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// privacyRequestsCollection records the data subjects' requests answered:
// when, by whom, what was done (never whom it was about).
const privacyRequestsCollection = "privacy_requests"

// Subject names a person whose data is asked for: by e-mail address, by
// name or by user name. At least one is required; a ticket matches when
// any given one matches, ignoring case: the e-mail address or the name
// anywhere in a text, the user name as a whole value.
type Subject struct {
	Email, Name, User string
}

func (s Subject) empty() bool {
	return strings.TrimSpace(s.Email) == "" && strings.TrimSpace(s.Name) == "" && strings.TrimSpace(s.User) == ""
}

// matches reports whether the text value names the subject.
func (s Subject) matches(v string) bool {
	if v == "" {
		return false
	}
	low := strings.ToLower(v)
	if e := strings.ToLower(strings.TrimSpace(s.Email)); e != "" && strings.Contains(low, e) {
		return true
	}
	if u := strings.ToLower(strings.TrimSpace(s.User)); u != "" && low == u {
		return true
	}
	if n := strings.ToLower(strings.TrimSpace(s.Name)); n != "" && strings.Contains(low, n) {
		return true
	}
	return false
}

// SubjectPlace is one place a value naming the subject is stored.
type SubjectPlace struct {
	// Where: "requester", "data.<field>", "history <seq> <path>",
	// "file <id>", "outbox <id>".
	Where string `json:"where"`
	// Value is the stored value (a file's name, a mail's subject line).
	Value any       `json:"value"`
	At    time.Time `json:"at,omitzero"`
}

// SubjectTicket is a ticket holding data about the subject.
type SubjectTicket struct {
	Number  string    `json:"number"`
	Process string    `json:"process"`
	Title   string    `json:"title"`
	State   string    `json:"state"`
	Created time.Time `json:"created"`
	// Requester: the subject filed it (as user, or their address is in a
	// personal field of its form).
	Requester bool           `json:"requester"`
	LegalHold bool           `json:"legal_hold,omitempty"`
	Places    []SubjectPlace `json:"places"`
	// Assets are the assets the ticket relates to.
	Assets []string `json:"assets,omitempty"`
}

// SubjectMail is a mail in the outbox to or about the subject.
type SubjectMail struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	State   string    `json:"state"`
	Created time.Time `json:"created"`
	Fields  []string  `json:"fields"`
}

// SubjectRecord is a record outside the tickets and the outbox that
// names the subject: a message received by mail ("mail_in"), an asset
// ("asset").
type SubjectRecord struct {
	Kind string    `json:"kind"`
	ID   string    `json:"id"`
	At   time.Time `json:"at,omitzero"`
	// Fields are the record's own fields, by name: what it says about
	// the message, never about another person.
	Fields map[string]any `json:"fields"`
}

// SubjectSource lists the records of one kind (kept by a package the
// engine does not know, such as incoming mail) that name a subject;
// match reports whether a text value does (Subject.Matches).
type SubjectSource func(ctx context.Context, match func(string) bool) ([]SubjectRecord, error)

// SubjectEraser removes from the records of one kind outside the tickets
// (kept by a package the engine does not know, such as incoming mail)
// the values naming a data subject; match reports whether a text value
// does (Subject.Matches). It returns what it removed, naming no value.
type SubjectEraser func(ctx context.Context, match func(string) bool) ([]ErasedRecord, error)

// ErasedRecord is a record outside the tickets a data subject's request
// changed: its kind ("mail_in"), its id and the fields it cleared.
type ErasedRecord struct {
	Kind   string   `bson:"kind" json:"kind"`
	ID     string   `bson:"id" json:"id"`
	Fields []string `bson:"fields" json:"fields"`
}

// SubjectReport is everything stored about a data subject: the answer to
// a request for access (Art. 15 GDPR), exported as JSON and summarised
// as a page.
type SubjectReport struct {
	At      time.Time       `json:"at"`
	Tickets []SubjectTicket `json:"tickets"`
	Mails   []SubjectMail   `json:"mails"`
	// Records are the records of the SubjectSources naming the subject.
	Records []SubjectRecord `json:"records"`
}

// Matches reports whether the text value v names the subject: the e-mail
// address or the name anywhere in it, the user name as the whole value,
// ignoring case.
func (s Subject) Matches(v string) bool { return s.matches(v) }

// FindSubject searches every ticket, its history, the names of its files,
// the outbox and the records of the SubjectSources (mail received, assets) for
// values naming the subject, for holders of the privacy permission.
func (e *Engine) FindSubject(ctx context.Context, actor *auth.Principal, s Subject) (*SubjectReport, error) {
	if !MayManagePrivacy(actor) {
		return nil, fmt.Errorf("data subject search: %w", fault.Forbidden)
	}
	if s.empty() {
		return nil, invalid("email", "required", "subject_required")
	}
	rep := &SubjectReport{At: e.now().UTC(), Tickets: []SubjectTicket{}, Mails: []SubjectMail{}, Records: []SubjectRecord{}}
	cat := e.catalog()
	for after := ""; ; {
		numbers, err := e.store.TicketNumbers(ctx, after, 500)
		if err != nil {
			return nil, fmt.Errorf("engine: data subject search: %w", err)
		}
		if len(numbers) == 0 {
			break
		}
		var tickets []ticket.Ticket
		if err := e.store.GetMany(ctx, store.TicketsCollection, numbers, &tickets); err != nil {
			return nil, fmt.Errorf("engine: data subject search: %w", err)
		}
		for i := range tickets {
			st, err := e.subjectTicket(ctx, &tickets[i], s, cat.RequesterEmail(tickets[i].Process, tickets[i].Data))
			if err != nil {
				return nil, err
			}
			if st != nil {
				rep.Tickets = append(rep.Tickets, *st)
			}
		}
		after = numbers[len(numbers)-1]
	}
	var filed []string
	for _, st := range rep.Tickets {
		if st.Requester {
			filed = append(filed, st.Number)
		}
	}
	mails, err := e.subjectMails(ctx, s, filed)
	if err != nil {
		return nil, err
	}
	rep.Mails = mails
	rep.Records = []SubjectRecord{}
	for _, src := range e.subjectSources {
		recs, err := src(ctx, s.Matches)
		if err != nil {
			return nil, fmt.Errorf("engine: data subject search: %w", err)
		}
		rep.Records = append(rep.Records, recs...)
	}
	return rep, nil
}

// subjectTicket lists the places of t naming the subject; nil if none.
func (e *Engine) subjectTicket(ctx context.Context, t *ticket.Ticket, s Subject, requesterEmail string) (*SubjectTicket, error) {
	hist, err := e.store.History(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("engine: data subject search %s: %w", t.Number, err)
	}
	out, files := e.subjectPlaces(t, hist, s, requesterEmail)
	files = append(files, attachmentIDs(t.Data)...)
	slices.Sort(files)
	for _, id := range slices.Compact(files) {
		a, err := e.store.Attachment(ctx, id)
		if err != nil {
			continue // deleted, or never stored: nothing of it is kept
		}
		if out.Requester || s.matches(a.Name) {
			out.Places = append(out.Places, SubjectPlace{Where: "file " + id, Value: a.Name})
		}
	}
	for _, l := range t.Links {
		if l.Kind == "asset" {
			out.Assets = append(out.Assets, l.Target)
		}
	}
	if !out.Requester && len(out.Places) == 0 {
		return nil, nil
	}
	return out, nil
}

// subjectPlaces lists the places of t and its history entries hist that
// name the subject, but for its files, whose ids it returns: what
// FindSubject reports and what AnonymiseSubject removes.
func (e *Engine) subjectPlaces(t *ticket.Ticket, hist []ticket.HistoryEntry, s Subject, requesterEmail string) (*SubjectTicket, []string) {
	out := &SubjectTicket{Number: t.Number, Process: t.Process, Title: t.Title, State: t.State, Created: t.Created, LegalHold: t.LegalHold}
	if s.matches(t.Requester) && t.Requester != actorName(nil) {
		out.Requester = true
		out.Places = append(out.Places, SubjectPlace{Where: "requester", Value: t.Requester})
	}
	if requesterEmail != "" && s.matches(requesterEmail) {
		out.Requester = true
	}
	var personal []string
	if out.Requester {
		personal = e.personalFields(t.Process)
	}
	for _, k := range sortedKeys(t.Data) {
		if anyMatches(t.Data[k], s) || slices.Contains(personal, k) {
			out.Places = append(out.Places, SubjectPlace{Where: "data." + k, Value: t.Data[k]})
		}
	}
	var files []string
	for i := range hist {
		h := &hist[i]
		for _, p := range h.SealablePaths() {
			v, _ := h.ValueAt(p)
			if p == "data/files" {
				files = append(files, stringsOf(v)...)
				continue
			}
			if anyMatches(v, s) || out.Requester && p != ticket.PathActor && h.Type == ticket.EntryCitizenReply ||
				slices.Contains(personal, formField(ticket.SplitPath(p))) {
				out.Places = append(out.Places, SubjectPlace{Where: fmt.Sprintf("history %d %s", h.Seq, p), Value: v, At: h.At})
			}
		}
	}
	return out, files
}

// subjectMails lists the outbox's items (mails queued, sent or failed)
// whose payload names the subject, with the payload keys that do, and the
// notifications of the tickets they filed (which go to them).
func (e *Engine) subjectMails(ctx context.Context, s Subject, filed []string) ([]SubjectMail, error) {
	out := []SubjectMail{}
	for _, state := range []string{store.OutboxPending, store.OutboxClaimed, store.OutboxFailed, store.OutboxDone} {
		for after := ""; ; {
			items, next, err := e.store.ListOutbox(ctx, store.OutboxQuery{State: state, After: after, Limit: store.MaxPage})
			if err != nil {
				return nil, fmt.Errorf("engine: data subject search in the outbox: %w", err)
			}
			for _, it := range items {
				var fields []string
				for _, k := range sortedKeys(it.Payload) {
					if anyMatches(it.Payload[k], s) {
						fields = append(fields, k)
					}
				}
				if n, _ := it.Payload["ticket"].(string); slices.Contains(filed, n) && (it.Kind == "notify" || it.Kind == "mail") {
					fields = append(fields, "ticket")
				}
				if len(fields) > 0 {
					out = append(out, SubjectMail{ID: it.ID, Kind: it.Kind, State: it.State, Created: it.Created, Fields: fields})
				}
			}
			if next == "" {
				break
			}
			after = next
		}
	}
	return out, nil
}

// SubjectErasure is the record of an anonymisation a data subject asked
// for: when, by whom, which tickets, how many values. It does not say
// whom it was about.
type SubjectErasure struct {
	ID      string    `bson:"_id" json:"id"`
	At      time.Time `bson:"at" json:"at"`
	By      string    `bson:"by" json:"by"`
	Tickets []string  `bson:"tickets" json:"tickets"`
	// Held lists tickets under legal hold, left as they are.
	Held    []string `bson:"held,omitempty" json:"held,omitempty"`
	Removed int      `bson:"removed" json:"removed"`
	// Records lists the records outside the tickets that lost values
	// naming the subject (SubjectEraser), and which fields.
	Records []ErasedRecord `bson:"records,omitempty" json:"records,omitempty"`
}

// AnonymiseSubject removes the subject's data from every ticket FindSubject
// finds: of a ticket they filed, the requester and its files
// (Anonymisation.Requester, Attachments);
// of others, the form fields and history values naming them. Each ticket
// is searched again as it is written (Anonymisation.Subject), so what was
// added to it after the search goes too. The SubjectErasers then remove
// what names the subject from the records outside the tickets (the
// senders and subject lines of mail received). Tickets under legal hold are
// left and listed. The request is recorded (SubjectErasure, and an
// anonymised entry naming the request in each ticket's history).
func (e *Engine) AnonymiseSubject(ctx context.Context, actor *auth.Principal, s Subject) (*SubjectErasure, error) {
	rep, err := e.FindSubject(ctx, actor, s)
	if err != nil {
		return nil, err
	}
	rec := &SubjectErasure{ID: "DSR-" + e.now().UTC().Format("20060102-150405") + "-" + newNonce()[:6], At: e.now().UTC(), By: actor.User}
	for _, st := range rep.Tickets {
		if st.LegalHold {
			rec.Held = append(rec.Held, st.Number)
			continue
		}
		subject := s
		res, err := e.Anonymise(ctx, st.Number, Anonymisation{Reason: ticket.ReasonRequest, Request: rec.ID, Subject: &subject})
		if err != nil {
			return rec, fmt.Errorf("engine: data subject request %s: %w", rec.ID, err)
		}
		rec.Tickets = append(rec.Tickets, st.Number)
		rec.Removed += res.Removed
	}
	for _, erase := range e.subjectErasers {
		erased, err := erase(ctx, s.Matches)
		if err != nil {
			return rec, fmt.Errorf("engine: data subject request %s: %w", rec.ID, err)
		}
		rec.Records = append(rec.Records, erased...)
	}
	if err := e.store.Insert(ctx, privacyRequestsCollection, rec); err != nil {
		return rec, fmt.Errorf("engine: record data subject request %s: %w", rec.ID, err)
	}
	e.log.InfoContext(ctx, "data subject request answered", "request", rec.ID, "by", rec.By, "tickets", len(rec.Tickets), "held", len(rec.Held), "records", len(rec.Records))
	return rec, nil
}

func anyMatches(v any, s Subject) bool {
	switch x := v.(type) {
	case string:
		return s.matches(x)
	case []any:
		return slices.ContainsFunc(x, func(e any) bool { return anyMatches(e, s) })
	case []string:
		return slices.ContainsFunc(x, s.matches)
	case map[string]any:
		for _, e := range x {
			if anyMatches(e, s) {
				return true
			}
		}
	}
	return false
}

// attachmentIDs lists the ids of stored files (see Upload) among the
// values of form data.
func attachmentIDs(data map[string]any) []string {
	var out []string
	for _, v := range data {
		for _, s := range append(stringsOf(v), fmt.Sprint(v)) {
			if strings.HasPrefix(s, "att-") {
				out = append(out, s)
			}
		}
	}
	return out
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// forSubject is a with what names a.Subject in ticket t and its history
// entries as they are stored now: the form fields and history values
// naming them, and of a ticket they filed the requester and its files
// (theirs: photos, scans).
func (e *Engine) forSubject(t *ticket.Ticket, entries []ticket.HistoryEntry, a Anonymisation) Anonymisation {
	st, _ := e.subjectPlaces(t, entries, *a.Subject, e.catalog().RequesterEmail(t.Process, t.Data))
	a.Requester = a.Requester || st.Requester
	a.Attachments = a.Attachments || st.Requester
	a.Fields, a.Values = slices.Clone(a.Fields), slices.Clone(a.Values)
	for _, p := range st.Places {
		if f, ok := strings.CutPrefix(p.Where, "data."); ok {
			a.Fields = append(a.Fields, f)
		}
		if h, ok := strings.CutPrefix(p.Where, "history "); ok {
			seq, path, _ := strings.Cut(h, " ")
			a.Values = append(a.Values, seq+":"+path)
		}
	}
	return a
}
