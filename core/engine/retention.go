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

// TicketReader reads tickets by number in batches; *store.Store
// implements it.
type TicketReader interface {
	GetMany(ctx context.Context, coll string, ids []string, out any) error
}

// RetentionRun configures one enforcement of the processes' retention
// rules.
type RetentionRun struct {
	// DryRun lists what is due without changing anything.
	DryRun bool
	// Batch is how many tickets are read at once (default 500).
	Batch int
	// Workers is how many tickets are anonymised at once, each its own
	// update under its own lock (default 4).
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
	// What the rule removes: fields, "requester", "attachments".
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
		var tickets []ticket.Ticket
		if err := e.store.GetMany(ctx, store.TicketsCollection, numbers, &tickets); err != nil {
			return rep, fmt.Errorf("engine: retention: %w", err)
		}
		var due []RetentionAction
		for i := range tickets {
			t := &tickets[i]
			rep.Checked++
			actions := dueRules(cat, t, now)
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
			e.applyRetention(ctx, cat, due, run.Workers)
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

// applyRetention anonymises the tickets of the due actions, workers at a
// time; the actions of one ticket run one after the other.
func (e *Engine) applyRetention(ctx context.Context, cat *definition.Catalog, due []RetentionAction, workers int) {
	var byTicket [][]int
	for i := range due {
		if i == 0 || due[i].Ticket != due[i-1].Ticket {
			byTicket = append(byTicket, nil)
		}
		byTicket[len(byTicket)-1] = append(byTicket[len(byTicket)-1], i)
	}
	work := make(chan []int)
	var wg sync.WaitGroup
	for range min(workers, len(byTicket)) {
		wg.Go(func() {
			for idx := range work {
				for _, i := range idx {
					a := &due[i]
					rule := retentionRule(cat, a.Process, a.Rule)
					if rule == nil {
						continue
					}
					_, a.Err = e.Anonymise(ctx, a.Ticket, anonymisationOf(rule))
					if a.Err != nil && !errors.Is(a.Err, context.Canceled) {
						e.log.WarnContext(ctx, "retention failed; it is tried again on the next run",
							"ticket", a.Ticket, "rule", a.Rule, "error", a.Err)
					}
				}
			}
		})
	}
	for _, idx := range byTicket {
		select {
		case work <- idx:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
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
			from = t.Updated
		default:
			if t.Open {
				continue
			}
			from = t.ClosedAt
			if from.IsZero() {
				from = t.Updated // closed before the closing time was kept
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
