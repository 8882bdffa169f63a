package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// CreateRequest asks for a new ticket.
type CreateRequest struct {
	Process string
	Data    map[string]any
	// Title overrides the title taken from the data (summary or title).
	Title string
	// Lang selects the language of validation messages ("de" or "en").
	Lang string
	// IdempotencyKey, when set, makes a retried request return the ticket
	// the first one created instead of creating a second (see
	// CheckIdempotencyKey for its form). A different request under a used
	// key fails with ErrKeyReused; an anonymous retry gets only the
	// ticket's number and tracking token.
	IdempotencyKey string
}

// Create opens a ticket of a process for actor: checks that actor may open
// it, validates the data against the process's form, takes the next number,
// and stores the ticket with its first history entry.
func (e *Engine) Create(ctx context.Context, actor *auth.Principal, req CreateRequest) (*ticket.Ticket, error) {
	if req.IdempotencyKey != "" {
		if done, err := e.createdBefore(ctx, actor, req); done != nil || err != nil {
			return done, err
		}
	}
	t, entry, err := e.prepare(actor, req)
	if err != nil {
		return nil, e.refusedWithHook(ctx, actor, req, err)
	}
	follow, err := e.createHooks(ctx, actor, t, entry, req.Lang)
	if err != nil {
		return nil, err
	}
	if req.IdempotencyKey != "" {
		created, err := e.createOnce(ctx, actor, req.IdempotencyKey, requestHash(e.catalog(), req), t, entry)
		e.afterCreate(ctx, created, entry, follow)
		return created, err
	}
	number, reserved, release, err := e.reserveNumber(ctx, t, "")
	if err != nil {
		return nil, err
	}
	t.Number = number
	if err := e.save(ctx, t, entry, reserved); err != nil {
		release()
		return nil, err
	}
	e.afterCreate(ctx, t, entry, follow)
	return t, nil
}

// prepare checks permission and data and builds the ticket, without its
// number.
func (e *Engine) prepare(actor *auth.Principal, req CreateRequest) (*ticket.Ticket, *ticket.HistoryEntry, error) {
	cat := e.catalog()
	p := cat.Process(req.Process)
	if p == nil {
		return nil, nil, fmt.Errorf("process %q: %w", req.Process, fault.NotFound)
	}
	if !MayOpen(actor, p) {
		return nil, nil, fmt.Errorf("open a %s ticket: %w", p.ID.Value, fault.Forbidden)
	}
	return e.build(actor, cat, p, req, nil)
}

// build validates the data of req against p's form and builds the ticket,
// without its number. set holds values the engine fills in after the
// validation (a follow-up's reference, which the form keeps read-only).
func (e *Engine) build(actor *auth.Principal, cat *definition.Catalog, p *definition.Process, req CreateRequest, set map[string]any) (*ticket.Ticket, *ticket.HistoryEntry, error) {
	f, err := e.form(cat, p.Form.Value)
	if err != nil {
		return nil, nil, err
	}
	data, ferrs := f.Validate(req.Data, req.Lang)
	if len(ferrs) > 0 {
		return nil, nil, fault.Fields(ferrs...)
	}
	for k, v := range set {
		data[k] = v
	}
	now := e.stamp()
	start := p.InitialState()
	t := &ticket.Ticket{
		Process:   p.ID.Value,
		Catalog:   cat.Hash(),
		Title:     ticketTitle(req.Title, data, p),
		State:     start.ID.Value,
		Category:  start.Category,
		Open:      start.Category == definition.CategoryOpen,
		Priority:  initialPriority(p, data),
		Team:      p.Team.Value,
		Requester: actorName(actor),
		Due:       ticket.NoDue,
		Created:   now,
		Updated:   now,
		Data:      data,
		Links:     assetLinks(f.Form(), data),
	}
	if actor == nil {
		t.Tracking = newTrackingToken() // the citizen's only way back to the request
	}
	entry := ticket.NewEntry(actorName(actor), ticket.Created{State: t.State, Priority: t.Priority, Team: t.Team, Data: data})
	entry.At = now
	return t, entry, nil
}

// updateCreated changes the content of a ticket's created entry before it
// is written.
func updateCreated(entry *ticket.HistoryEntry, update func(*ticket.Created)) {
	content, err := entry.Decode()
	c, ok := content.(ticket.Created)
	if err != nil || !ok {
		// Only the engine's own created entries come here.
		panic(fmt.Sprintf("engine: update %s entry as created: %v", entry.Type, err))
	}
	update(&c)
	entry.Set(c)
}

// nextNumber claims the next number for t's process, noting owner in the
// claim (an idempotent create's key).
func (e *Engine) nextNumber(ctx context.Context, t *ticket.Ticket, owner string) (number string, release func(), err error) {
	p, year, scope, unused := e.numbering(t)
	n, err := e.store.ClaimNumber(ctx, scope, owner, unused)
	if err != nil {
		return "", nil, fmt.Errorf("engine: number for %s: %w", t.Process, err)
	}
	return formatNumber(p, year, n), func() { e.store.ReleaseNumber(scope, n) }, nil
}

// reserveNumber draws the next number for t's process, whose claim the
// store may write with the ticket (store.ReserveNumber), noting owner (an
// idempotent create's key) in it as nextNumber does.
func (e *Engine) reserveNumber(ctx context.Context, t *ticket.Ticket, owner string) (number string, r store.Reserved, release func(), err error) {
	p, year, scope, unused := e.numbering(t)
	r, err = e.store.ReserveNumber(ctx, scope, owner, unused)
	if err != nil {
		return "", r, nil, fmt.Errorf("engine: number for %s: %w", t.Process, err)
	}
	return formatNumber(p, year, r.N), r, func() { e.store.ReleaseNumber(scope, r.N) }, nil
}

// numbering is the process, year and number scope of t, and the check the
// store asks before it hands out a number again.
func (e *Engine) numbering(t *ticket.Ticket) (*definition.Process, int, string, store.Unused) {
	p := e.catalog().Process(t.Process)
	year := t.Created.Year()
	return p, year, numberScope(p, year), func(ctx context.Context, c store.NumberClaim) (bool, error) {
		return e.numberUnused(ctx, formatNumber(p, year, c.N), c.Owner)
	}
}

// save takes the uploads the ticket refers to, starts the SLA clock,
// chains the first history entry, and stores the ticket with the
// notifications of the create queued.
// r is the ticket's number when reserveNumber drew it (else zero): its
// claim is written with the ticket, as are the documents with.
func (e *Engine) save(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry, r store.Reserved, with ...store.Companion) error {
	if err := e.attachUploads(ctx, t, entry); err != nil {
		return err
	}
	if t.Title == "" {
		t.Title = e.templateTitle(t)
	}
	e.linkAssets(ctx, t)
	e.slaOnCreate(t, entry.At)
	chain(t, entry)
	// The notifications are queued with the ticket: never a ticket
	// without them (see enqueue).
	queued := e.outboxItems(t, entry, e.eventNotifications(t, entry))
	if err := e.store.CreateTicketReserved(ctx, t, entry, e.now(), queued, r, with...); err != nil {
		return fmt.Errorf("engine: store ticket %s: %w", t.Number, err)
	}
	e.observe.Committed(t, entry)
	e.log.InfoContext(ctx, "ticket created", "ticket", t.Number, "process", t.Process, "actor", t.Requester)
	return nil
}

// MayOpen reports whether actor (nil: an anonymous citizen) may open a
// ticket of process p: its audience and roles. Nobody opens a follow-up
// process directly.
func MayOpen(actor *auth.Principal, p *definition.Process) bool {
	if p.FollowUp != nil {
		return false // only from the tracking link of its request (FollowUp)
	}
	if actor == nil {
		return contains(p.Audience, "citizen")
	}
	if !contains(p.Audience, "staff") && !actor.Admin {
		return false
	}
	if len(p.Roles) == 0 || actor.Admin {
		return true
	}
	for _, r := range p.Roles {
		if actor.HasRole(r.Value) {
			return true
		}
	}
	return false
}

func numberScope(p *definition.Process, year int) string {
	if p.Numbering.Reset == "never" {
		return p.ID.Value
	}
	return fmt.Sprintf("%s/%d", p.ID.Value, year)
}

// formatNumber renders PREFIX-YYYY-NNNNNN (or PREFIX-NNNNNN when numbers
// never reset). Without a numbering block the process id, upper-cased,
// is the prefix.
func formatNumber(p *definition.Process, year int, n int64) string {
	prefix := p.Numbering.Prefix.Value
	if prefix == "" {
		prefix = strings.ToUpper(p.ID.Value)
	}
	digits := p.Numbering.Digits
	if digits == 0 {
		digits = 6
	}
	if p.Numbering.Reset == "never" {
		return fmt.Sprintf("%s-%0*d", prefix, digits, n)
	}
	return fmt.Sprintf("%s-%d-%0*d", prefix, year, digits, n)
}

// ticketTitle is the title of a new ticket before its create hooks ran: the
// one asked for, else "" when the process declares a ticket_title (made in
// save, once the number is drawn and the hooks computed their fields),
// else the default from the data.
func ticketTitle(explicit string, data map[string]any, p *definition.Process) string {
	if explicit != "" {
		return explicit
	}
	if !p.TicketTitle.IsZero() {
		return ""
	}
	return defaultTitle(data, p)
}

// defaultTitle is the first non-empty of the data fields
// definition.DefaultTitleFields, else the process's title.
func defaultTitle(data map[string]any, p *definition.Process) string {
	for _, key := range definition.DefaultTitleFields {
		if s, ok := data[key].(string); ok && s != "" {
			return s
		}
	}
	return p.Title.De
}

// initialPriority uses the process's priority matrix when the data selects
// a cell, else its default priority, else medium.
func initialPriority(p *definition.Process, data map[string]any) string {
	if m := p.PriorityMatrix; m != nil {
		row, _ := data[m.Rows.Value].(string)
		col, _ := data[m.Columns.Value].(string)
		if prio := m.Priority(row, col); prio != "" {
			return prio
		}
	}
	if p.DefaultPriority != "" {
		return p.DefaultPriority
	}
	return "medium"
}

// Ticket returns a ticket actor may see.
func (e *Engine) Ticket(ctx context.Context, actor *auth.Principal, number string) (*ticket.Ticket, error) {
	t, err := e.store.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("ticket %s: %w", number, fault.NotFound)
	}
	if err != nil {
		return nil, err
	}
	if !maySee(actor, t) {
		// Not 403: whether a ticket exists is not for everyone to learn.
		return nil, fmt.Errorf("ticket %s: %w", number, fault.NotFound)
	}
	return t, nil
}

// maySee: the requester, the assignee, members of the ticket's team,
// holders of ticket.read_all, the manager a pending approval waits for,
// and whoever decided a step of one of its approvals.
func maySee(actor *auth.Principal, t *ticket.Ticket) bool {
	if actor == nil {
		return false
	}
	if actor.User == t.Requester || actor.User == t.Assignee ||
		actor.HasPermission("ticket.read_all") ||
		(actor.InTeam(t.Team) && actor.HasPermission("ticket.read_team")) {
		return true
	}
	p := t.Approval()
	return p != nil && p.Manager == actor.User || decided(t, actor.User)
}

func actorName(actor *auth.Principal) string {
	if actor == nil {
		return "citizen"
	}
	return actor.User
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
