package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// PrivacyPermission lets staff hold tickets from retention, search what
// is stored about a person and anonymise it.
const PrivacyPermission = "privacy.manage"

// MayManagePrivacy reports whether actor holds PrivacyPermission.
func MayManagePrivacy(actor *auth.Principal) bool { return actor.HasPermission(PrivacyPermission) }

// RetentionLease is the lease whose holder enforces retention, so one
// instance does it.
const RetentionLease = "retention"

// TicketReader reads tickets by number in batches, and the histories of
// a batch of tickets; *store.Store implements it.
type TicketReader interface {
	GetMany(ctx context.Context, coll string, ids []string, out any) error
	Histories(ctx context.Context, tickets []*ticket.Ticket) ([][]ticket.HistoryEntry, error)
}

// RetentionRun configures one enforcement of the processes' retention
// rules.
type RetentionRun struct {
	// DryRun lists what is due without changing anything.
	DryRun bool
	// Batch is how many tickets are read at once (default 500).
	Batch int
	// Workers is how many tickets are read and anonymised in memory at
	// once (default 4); they are stored in batches (retentionWriteBatch).
	Workers int
	// Keep is asked before each batch whether to go on (the lease is
	// still held); nil: always.
	Keep func(ctx context.Context) bool
	// Progress is told after each batch how many tickets were looked at
	// and how many rules applied so far; nil: nobody.
	Progress func(checked, applied int)
}

// RetentionAction is one rule due for one ticket.
type RetentionAction struct {
	Ticket, Process, Rule string
	// Due is when the rule's period ended.
	Due time.Time
	// What the rule removes: fields, "requester", "attachments", or
	// "ticket" (the rule deletes it as a whole).
	Removes []string
	// Err is why it failed (not set in a dry run).
	Err error
}

// RetentionReport says what a run found and did.
type RetentionReport struct {
	// Checked counts the tickets looked at; Held those under legal hold
	// that had a rule due.
	Checked, Held int
	// Actions lists every rule due (DryRun) or applied, in ticket order.
	Actions []RetentionAction
	// Failed counts the actions that failed; they are tried again on the
	// next run.
	Failed int
}

// EnforceRetention applies every process's retention rules that are due
// (definition.Retention): it reads all tickets in batches, and for each
// rule due and not yet applied to a ticket (Ticket.Retained) anonymises
// the ticket as the rule says (Anonymise). A ticket under legal hold is
// left alone. A run cut off (a crash, the lease lost) is continued by
// the next: a rule counts as applied only once its anonymised entry is
// stored, and Anonymise completes what a cut-off attempt left.
func (e *Engine) EnforceRetention(ctx context.Context, run RetentionRun) (RetentionReport, error) {
	if run.Batch <= 0 {
		run.Batch = 500
	}
	if run.Workers <= 0 {
		run.Workers = 4
	}
	cat := e.catalog()
	if !hasRetention(cat) {
		return RetentionReport{}, nil
	}
	now := e.now()
	var rep RetentionReport
	for after := ""; ; {
		if run.Keep != nil && !run.Keep(ctx) {
			return rep, fmt.Errorf("engine: retention: stopped before ticket %q: the lease is lost", after)
		}
		numbers, err := e.store.TicketNumbers(ctx, after, run.Batch)
		if err != nil {
			return rep, fmt.Errorf("engine: retention: %w", err)
		}
		if len(numbers) == 0 {
			return rep, nil
		}
		tickets, err := e.store.TicketsByNumber(ctx, numbers)
		if err != nil {
			return rep, fmt.Errorf("engine: retention: %w", err)
		}
		var due []RetentionAction
		byNumber := make(map[string]*ticket.Ticket, len(tickets))
		for _, t := range tickets {
			if t == nil {
				continue // gone since it was listed
			}
			byNumber[t.Number] = t
			rep.Checked++
			actions := deletionDue(cat, dueRules(cat, t, now))
			if len(actions) == 0 {
				continue
			}
			if t.LegalHold {
				rep.Held++
				continue
			}
			due = append(due, actions...)
		}
		if !run.DryRun {
			e.applyRetention(ctx, cat, byNumber, due, run.Workers)
			for _, a := range due {
				if a.Err != nil {
					rep.Failed++
				}
			}
		}
		rep.Actions = append(rep.Actions, due...)
		if run.Progress != nil {
			run.Progress(rep.Checked, len(rep.Actions)-rep.Failed)
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		after = numbers[len(numbers)-1]
	}
}

// retentionWriteBatch is how many tickets' anonymisations are stored in
// one store.UpdateTickets: on the embedded store two syncs for them all
// (their records, then the tickets with their rewritten entries in one
// transaction) instead of two or more per ticket. It bounds how long a
// ticket's lock is held: for the one write of its batch, never while other
// tickets are read or anonymised.
const retentionWriteBatch = 100

// applyRetention anonymises the tickets of the due actions: the first
// action of each ticket in batches stored together, any further action of
// a ticket after it, one by one; then it deletes the tickets whose rule
// deletes them, in batches deleted together. tickets holds the tickets as
// read.
func (e *Engine) applyRetention(ctx context.Context, cat *definition.Catalog, tickets map[string]*ticket.Ticket, due []RetentionAction, workers int) {
	var first, later, deletes []int
	for i := range due {
		if r := retentionRule(cat, due[i].Process, due[i].Rule); r != nil && r.Delete {
			deletes = append(deletes, i)
			continue // the ticket's only action (deletionDue)
		}
		if i > 0 && due[i].Ticket == due[i-1].Ticket {
			later = append(later, i)
		} else {
			first = append(first, i)
		}
	}
	// The next batch is prepared while the last one is written: the
	// store has one writer, which then waits less.
	var writing chan struct{}
	for chunk := range slices.Chunk(first, retentionWriteBatch) {
		if ctx.Err() != nil {
			break
		}
		write := e.prepareBatch(ctx, cat, tickets, due, chunk, workers)
		if writing != nil {
			<-writing
		}
		writing = make(chan struct{})
		go func(done chan struct{}) {
			defer close(done)
			write()
		}(writing)
	}
	if writing != nil {
		<-writing
	}
	for _, i := range later {
		if ctx.Err() != nil {
			return
		}
		e.anonymiseAlone(ctx, cat, &due[i])
	}
	for chunk := range slices.Chunk(deletes, retentionWriteBatch) {
		if ctx.Err() != nil {
			return
		}
		e.deleteBatch(ctx, tickets, due, chunk, workers)
	}
}

// prepareBatch anonymises the tickets of the actions at in memory,
// workers tickets at a time, and returns the function that writes them
// together. A ticket that changed since it was read is anonymised again
// on its own (Anonymise) when they are stored.
func (e *Engine) prepareBatch(ctx context.Context, cat *definition.Catalog, tickets map[string]*ticket.Ticket, due []RetentionAction, at []int, workers int) (write func()) {
	changes := make([]*store.TicketChange, len(at))
	results := make([]AnonymiseResult, len(at))
	read := make([]*ticket.Ticket, len(at))
	for j, i := range at {
		read[j] = tickets[due[i].Ticket]
	}
	histories, err := e.store.Histories(ctx, read)
	if err != nil {
		for _, i := range at {
			due[i].Err = fmt.Errorf("engine: retention: %w", err)
			e.warnRetention(ctx, &due[i])
		}
		return func() {}
	}
	inParallel(ctx, len(at), workers, func(j int) {
		a := &due[at[j]]
		changes[j], results[j], a.Err = e.prepareRetention(ctx, cat, read[j], histories[j], a)
		e.warnRetention(ctx, a)
	})

	var batch []store.TicketChange
	var of []int
	for j, c := range changes {
		if c != nil {
			batch, of = append(batch, *c), append(of, j)
		}
	}
	if len(batch) == 0 {
		return func() {}
	}
	return func() { e.storeBatch(ctx, cat, due, at, batch, of, results) }
}

// inParallel calls do for 0..n-1, workers at a time, and returns when
// they are done; once ctx is done no more are started.
func inParallel(ctx context.Context, n, workers int, do func(j int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for j := range work {
				do(j)
			}
		})
	}
	for j := range n {
		select {
		case work <- j:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
}

// storeBatch stores the changes of a prepared batch together; of and
// results say which action of at each change is and what it removed.
func (e *Engine) storeBatch(ctx context.Context, cat *definition.Catalog, due []RetentionAction, at []int, batch []store.TicketChange, of []int, results []AnonymiseResult) {
	for k, err := range e.store.UpdateTickets(ctx, batch) {
		j := of[k]
		a := &due[at[j]]
		switch {
		case err == nil:
			e.observe.Committed(batch[k].Ticket, batch[k].Entry)
			e.logAnonymised(ctx, a.Ticket, anonymisationOf(retentionRule(cat, a.Process, a.Rule)), results[j])
		case errors.Is(err, store.ErrConflict):
			e.anonymiseAlone(ctx, cat, a)
		default:
			a.Err = fmt.Errorf("engine: retention of %s: %w", a.Ticket, err)
			e.warnRetention(ctx, a)
		}
	}
}

// prepareRetention anonymises t and its history entries (as read) in memory as action a's rule
// says, deletes its files, and returns the change to store: the record
// and the history entries that lost values. nil: nothing to store.
func (e *Engine) prepareRetention(ctx context.Context, cat *definition.Catalog, t *ticket.Ticket, entries []ticket.HistoryEntry, a *RetentionAction) (*store.TicketChange, AnonymiseResult, error) {
	rule := retentionRule(cat, a.Process, a.Rule)
	if t == nil || rule == nil {
		return nil, AnonymiseResult{}, nil
	}
	was := *t
	an := anonymisationOf(rule)
	p, err := e.planAnonymisation(t, entries, an)
	if err != nil {
		return nil, AnonymiseResult{}, err
	}
	res, entry, err := e.finishAnonymisation(ctx, t, entries, an, p)
	if err != nil || entry == nil {
		return nil, res, err
	}
	t.KeepActivity()
	entry.At = e.stamp()
	t.Updated = entry.At
	if err := e.stage(ctx, t, entry); err != nil {
		return nil, AnonymiseResult{}, fmt.Errorf("engine: anonymise %s: %w", t.Number, err)
	}
	return &store.TicketChange{Ticket: t, Entry: entry, Was: &was, Rewrite: p.changed}, res, nil
}

// anonymiseAlone applies action a on its own, reading its ticket again.
func (e *Engine) anonymiseAlone(ctx context.Context, cat *definition.Catalog, a *RetentionAction) {
	rule := retentionRule(cat, a.Process, a.Rule)
	if rule == nil {
		return
	}
	_, a.Err = e.Anonymise(ctx, a.Ticket, anonymisationOf(rule))
	e.warnRetention(ctx, a)
}

// warnRetention logs a's failure, unless the run was stopped.
func (e *Engine) warnRetention(ctx context.Context, a *RetentionAction) {
	if a.Err != nil && !errors.Is(a.Err, context.Canceled) {
		e.log.WarnContext(ctx, "retention failed; it is tried again on the next run",
			"ticket", a.Ticket, "rule", a.Rule, "error", a.Err)
	}
}

// hasRetention reports whether any process declares retention.
func hasRetention(cat *definition.Catalog) bool {
	for _, p := range cat.Processes() {
		if len(p.Retention) > 0 {
			return true
		}
	}
	return false
}

// dueRules lists the rules of t's process that are due at now and not
// applied yet.
func dueRules(cat *definition.Catalog, t *ticket.Ticket, now time.Time) []RetentionAction {
	p := cat.Process(t.Process)
	if p == nil {
		return nil
	}
	var out []RetentionAction
	for i := range p.Retention {
		rule := &p.Retention[i]
		if slices.Contains(t.Retained, rule.ID.Value) {
			continue
		}
		var from time.Time
		switch rule.CountsFrom() {
		case definition.RetainFromCreated:
			from = t.Created
		case definition.RetainFromLastActivity:
			from = t.LastActivity()
		default:
			if t.Open {
				continue
			}
			from = t.ClosedAt
			if from.IsZero() {
				from = t.LastActivity() // closed before the closing time was kept
			}
		}
		due, err := rule.Due(from)
		if err != nil || due.After(now) {
			continue
		}
		out = append(out, RetentionAction{Ticket: t.Number, Process: t.Process, Rule: rule.ID.Value, Due: due, Removes: removesOf(rule)})
	}
	return out
}

func retentionRule(cat *definition.Catalog, process, id string) *definition.Retention {
	p := cat.Process(process)
	if p == nil {
		return nil
	}
	for i := range p.Retention {
		if p.Retention[i].ID.Value == id {
			return &p.Retention[i]
		}
	}
	return nil
}

func anonymisationOf(rule *definition.Retention) Anonymisation {
	a := Anonymisation{Reason: ticket.ReasonRetention, Rule: rule.ID.Value, Requester: rule.Requester, Attachments: rule.Attachments}
	for _, f := range rule.Anonymise {
		a.Fields = append(a.Fields, f.Value)
	}
	return a
}

func removesOf(rule *definition.Retention) []string {
	if rule.Delete {
		return []string{"ticket"}
	}
	var out []string
	for _, f := range rule.Anonymise {
		out = append(out, f.Value)
	}
	if rule.Requester {
		out = append(out, "requester")
	}
	if rule.Attachments {
		out = append(out, "attachments")
	}
	return out
}

// SetLegalHold puts the ticket under legal hold (hold true) or releases
// it, for holders of PrivacyPermission: retention leaves a held ticket
// alone and it cannot be anonymised. The change is in the history with
// its reason.
func (e *Engine) SetLegalHold(ctx context.Context, actor *auth.Principal, number string, hold bool, reason string) (*ticket.Ticket, error) {
	if !MayManagePrivacy(actor) {
		return nil, fmt.Errorf("legal hold: %w", fault.Forbidden)
	}
	return e.change(ctx, 0, func() (*ticket.Ticket, error) { return e.store.Ticket(ctx, number) },
		func(t *ticket.Ticket) (*ticket.HistoryEntry, error) {
			if t.LegalHold == hold {
				return nil, nil
			}
			if hold && reason == "" {
				return nil, invalid("reason", "required", "legal_hold_reason_required")
			}
			t.LegalHold = hold
			return ticket.NewEntry(actorName(actor), ticket.LegalHold{Hold: hold, Reason: reason}), nil
		})
}
