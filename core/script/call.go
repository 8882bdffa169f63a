package script

import (
	"context"
	"time"

	"vorgang/core/definition"
)

// Hook names, as the event.hook field shows them to scripts.
const (
	HookOnCreate         = "on_create"
	HookValidate         = "validate"
	HookCompute          = "compute"
	HookGuard            = "guard"
	HookBeforeTransition = "before_transition"
	HookAfterTransition  = "after_transition"
	HookAction           = "action"
	HookSLAWarning       = "on_sla_warning"
	HookSLABreach        = "on_sla_breach"
	HookJob              = "job"
	// HookMigrate is a Migration's transform, run once per ticket it
	// migrates.
	HookMigrate = "migrate"
	// HookFormValidate is a form's validate script, HookComputeField a
	// computed field's script.
	HookFormValidate = "form_validate"
	HookComputeField = "compute_field"
	// HookTest is a *_test.lua file run by vorgang test.
	HookTest = "test"
)

// Call is one run of a script.
type Call struct {
	// Catalog holds the script and everything the catalog module reads.
	Catalog *definition.Catalog
	// Script is the script's name (scripts/x/NAME.lua).
	Script string
	// Hook says why the script runs (HookOnCreate ...); it selects the
	// time limit and what the script may ask for.
	Hook string
	// Ticket is the ticket the hook runs for; nil for jobs.
	Ticket *Ticket
	// Event is shown to the script as the event table (transition, from,
	// to, actor, form data ...), next to hook.
	Event map[string]any
	// Host answers the read-only queries; nil: queries raise an error.
	Host Host
	// Timeout overrides the configured limit when positive.
	Timeout time.Duration
	// Now is the time the time module calls "now"; zero: the clock of the
	// runtime's Config.
	Now time.Time
}

// Ticket is what a script sees of a ticket.
type Ticket struct {
	Number    string
	Process   string
	Title     string
	State     string
	Priority  string
	Team      string
	Assignee  string
	Requester string
	Parent    string
	Children  []string
	Version   int64
	Created   time.Time
	Updated   time.Time
	// Due is the next SLA deadline (ticket.SortTime text), empty if none.
	Due  string
	Data map[string]any
}

// Host answers a script's read-only queries. The engine implements it;
// every call gets the script call's context, so the time limit covers it.
type Host interface {
	// Ticket returns the ticket with the number, or nil if there is none.
	Ticket(ctx context.Context, number string) (*Ticket, error)
	// FindTickets returns at most q.Limit tickets matching q.
	FindTickets(ctx context.Context, q TicketQuery) ([]Ticket, error)
	// FindAssets returns at most q.Limit assets matching q.
	FindAssets(ctx context.Context, q AssetQuery) ([]map[string]any, error)
}

// TicketQuery selects tickets for tickets.find. Empty fields match any
// value.
type TicketQuery struct {
	Process   string
	State     string
	Team      string
	Assignee  string
	Requester string
	Priority  string
	// Open selects open (true) or not open (false) tickets; nil: both.
	Open *bool
	// UpdatedBefore and UpdatedAfter bound the last change; zero: none.
	UpdatedBefore time.Time
	UpdatedAfter  time.Time
	// Limit is at most Config.MaxResults.
	Limit int
}

// AssetQuery selects assets for assets.find.
type AssetQuery struct {
	Class  string
	Status string
	// Fields are equality conditions on the asset's fields.
	Fields map[string]any
	Limit  int
}

// ChangeKind names a change a script asks for.
type ChangeKind string

// The changes a script can ask for.
const (
	ChangeField      ChangeKind = "set_field"
	ChangePriority   ChangeKind = "set_priority"
	ChangeTitle      ChangeKind = "set_title"
	ChangeTeam       ChangeKind = "set_team"
	ChangeAssignee   ChangeKind = "assign"
	ChangeComment    ChangeKind = "comment"
	ChangeChild      ChangeKind = "create_child"
	ChangeFieldError ChangeKind = "field_error"
	ChangeTransition ChangeKind = "transition"
)

// Change is one change a script asked for. Which fields are set depends on
// Kind.
type Change struct {
	Kind ChangeKind
	// Ticket is the ticket a transition is for (jobs); "" is the hook's
	// ticket.
	Ticket string
	// Field is the data field of set_field and field_error.
	Field string
	// Value is the new value of set_field, priority, title, team or
	// assignee (a string for the last four; "" unassigns).
	Value any
	// Text is a comment's text, a field error's message, or a
	// transition's comment.
	Text     string
	Internal bool
	// Process, Title, Team and Data describe a child ticket; Data is also
	// a transition's form data.
	Process string
	Title   string
	Team    string
	Data    map[string]any
	// Transition is the transition a job runs.
	Transition string
}

// Result is what a call produced.
type Result struct {
	// Changes in the order the script asked for them.
	Changes []Change
	// Value is the script's first return value as a Go value (nil if it
	// returned nothing).
	Value any
	// Message is the script's second return value if it is a string: a
	// guard's reason.
	Message string
}

// FieldErrors returns the field errors among the changes.
func (r *Result) FieldErrors() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Kind == ChangeFieldError {
			out = append(out, c)
		}
	}
	return out
}
