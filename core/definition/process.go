package definition

import "gopkg.in/yaml.v3"

// Process is a ticket type and its workflow.
type Process struct {
	Meta     `yaml:",inline"`
	Form     Ref      `yaml:"form"`
	Audience []string `yaml:"audience"`
	// AnonymousAPI lets citizens without an account open a ticket through
	// the JSON API as well as the portal's form (audience must include
	// citizen). Default false.
	AnonymousAPI bool `yaml:"anonymous_api"`
	// FollowUp makes the process a follow-up of another process's
	// requests, opened only from their tracking link (see FollowUp).
	FollowUp        *FollowUp       `yaml:"follow_up"`
	Roles           []Ref           `yaml:"roles"`
	Team            Ref             `yaml:"team"`
	SLA             Ref             `yaml:"sla"`
	DefaultPriority string          `yaml:"default_priority"`
	PriorityMatrix  *PriorityMatrix `yaml:"priority_matrix"`
	Numbering       Numbering       `yaml:"numbering"`
	// TicketTitle is a text/template the title of a new ticket is made
	// from ({{.Number}}, {{.Data.field}}); without it the title is the
	// form's summary field (see DefaultTitleFields).
	TicketTitle Ref          `yaml:"ticket_title"`
	States      []State      `yaml:"states"`
	Transitions []Transition `yaml:"transitions"`
	Hooks       ProcessHooks `yaml:"hooks"`
	Jobs        []Job        `yaml:"jobs"`
	Children    ChildLimits  `yaml:"children"`
	// AdminOverride lets administrators decide approval steps of this
	// process in place of those the steps name, as an emergency override:
	// with a reason, marked in the history. Off by default.
	AdminOverride bool `yaml:"admin_override"`
	// Retention says how long the process's tickets keep personal data
	// (see Retention); none: they keep it until someone anonymises them.
	Retention []Retention `yaml:"retention"`
}

// DefaultTitleFields are the data fields whose first non-empty text is the
// title of a new ticket when its process declares no ticket_title, in this
// order.
var DefaultTitleFields = []string{"summary", "title", "subject"}

// TitleFields is the shape of the data a ticket_title template sees: the
// ticket's number and its data (the fields of the process's form).
func TitleFields() map[string]map[string]bool {
	return map[string]map[string]bool{"": {"Number": false, "Data": true}}
}

// ChildLimits bound the child tickets the tickets of a process create,
// by actions and by hooks: a hook that makes a child of its own process
// would otherwise make tickets without end.
type ChildLimits struct {
	// MaxDepth is how many levels below its root ticket a child created
	// by a ticket of this process may sit (default DefaultChildDepth).
	MaxDepth int `yaml:"max_depth"`
	// MaxPerChange is how many children one change of a ticket may create
	// (default DefaultChildrenPerChange).
	MaxPerChange int `yaml:"max_per_change"`
}

// Defaults of ChildLimits.
const (
	DefaultChildDepth        = 3
	DefaultChildrenPerChange = 20
)

// Depth returns MaxDepth or its default.
func (c ChildLimits) Depth() int {
	if c.MaxDepth > 0 {
		return c.MaxDepth
	}
	return DefaultChildDepth
}

// PerChange returns MaxPerChange or its default.
func (c ChildLimits) PerChange() int {
	if c.MaxPerChange > 0 {
		return c.MaxPerChange
	}
	return DefaultChildrenPerChange
}

// FollowUp says which requests a process follows up (a satisfaction survey
// of a closed request): a ticket of it is opened only from the tracking
// link of a request of process Of while that request is in one of States,
// at most once per request, and the form's Reference field (read-only)
// receives the request's number. It is never opened otherwise: not from the
// portal's catalog, not through the API, not by staff.
type FollowUp struct {
	Of        Ref   `yaml:"of"`
	States    []Ref `yaml:"states"`
	Reference Ref   `yaml:"reference"`
}

// PriorityMatrix derives the priority from two select fields.
type PriorityMatrix struct {
	Rows    Ref         `yaml:"rows"`
	Columns Ref         `yaml:"columns"`
	Values  MatrixTable `yaml:"values"`
}

// MatrixTable is the priority per row value and column value, in file
// order.
type MatrixTable []MatrixRow

// MatrixRow is one row of a priority matrix.
type MatrixRow struct {
	Key     Ref
	Columns []MatrixCell
}

// MatrixCell is the priority for one column value.
type MatrixCell struct {
	Key      Ref
	Priority string
}

// UnmarshalYAML reads the nested mapping keeping the keys' positions.
func (t *MatrixTable) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{"priority matrix values must be a mapping"}}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		row := MatrixRow{Key: Ref{Value: n.Content[i].Value, Pos: posOf(n.Content[i])}}
		cols := n.Content[i+1]
		if cols.Kind != yaml.MappingNode {
			return &yaml.TypeError{Errors: []string{"priority matrix rows must be mappings"}}
		}
		for j := 0; j+1 < len(cols.Content); j += 2 {
			row.Columns = append(row.Columns, MatrixCell{
				Key:      Ref{Value: cols.Content[j].Value, Pos: posOf(cols.Content[j])},
				Priority: cols.Content[j+1].Value,
			})
		}
		*t = append(*t, row)
	}
	return nil
}

// Priority returns the priority for a row and column value, or "".
func (m *PriorityMatrix) Priority(row, column string) string {
	for _, r := range m.Values {
		if r.Key.Value != row {
			continue
		}
		for _, c := range r.Columns {
			if c.Key.Value == column {
				return c.Priority
			}
		}
	}
	return ""
}

// Numbering describes human ticket numbers such as INC-2026-000123.
type Numbering struct {
	Prefix Ref    `yaml:"prefix"`
	Digits int    `yaml:"digits"`
	Reset  string `yaml:"reset"`
}

// State category values.
const (
	CategoryOpen      = "open"
	CategoryResolved  = "resolved"
	CategoryClosed    = "closed"
	CategoryCancelled = "cancelled"
)

// SLA clock behaviours of a state.
const (
	ClockRunning = "running"
	ClockPaused  = "paused"
	ClockStopped = "stopped"
)

// State is one state of a process.
type State struct {
	ID          Ref    `yaml:"id"`
	Title       Label  `yaml:"title"`
	PublicTitle Label  `yaml:"public_title"`
	Category    string `yaml:"category"`
	Clock       string `yaml:"sla"`
	Initial     bool   `yaml:"initial"`
}

// Final reports whether no work happens in the state any more.
func (s State) Final() bool {
	return s.Category == CategoryClosed || s.Category == CategoryCancelled
}

// Transition is a permitted move between states.
type Transition struct {
	ID          Ref             `yaml:"id"`
	Title       Label           `yaml:"title"`
	From        []Ref           `yaml:"from"`
	To          Ref             `yaml:"to"`
	Roles       []Ref           `yaml:"roles"`
	Guard       *Condition      `yaml:"guard"`
	GuardScript Ref             `yaml:"guard_script"`
	Form        Ref             `yaml:"form"`
	Comment     string          `yaml:"comment"`
	Approval    *Approval       `yaml:"approval"`
	Actions     []Action        `yaml:"actions"`
	Hooks       TransitionHooks `yaml:"hooks"`
	// Auto names the event on which vorgang runs the transition itself,
	// from one of its From states (AutoRequesterReply).
	Auto Ref `yaml:"auto"`
}

// AutoRequesterReply runs a transition when the ticket's requester
// replies (on the tracking page, by mail, or as a comment of their own):
// the way out of a state that waits for them.
const AutoRequesterReply = "requester_reply"

// AutoTransition is the transition of p that runs by itself on event from
// state, or nil. Validation keeps it to one per state and event.
func (p *Process) AutoTransition(event, state string) *Transition {
	for i := range p.Transitions {
		t := &p.Transitions[i]
		if t.Auto.Value == event && p.StartsFrom(t, state) {
			return t
		}
	}
	return nil
}

// PreviousState is the target of a transition that goes back to the state
// a ticket was in before it entered its current one (to: $previous): the
// way out of a waiting state, wherever the ticket came from.
const PreviousState = "$previous"

// ToPrevious reports whether t goes back to the previous state, which the
// engine reads from the ticket's history when t runs.
func (t *Transition) ToPrevious() bool { return t.To.Value == PreviousState }

// TransitionHooks are scripts run around a transition.
type TransitionHooks struct {
	Before []Ref `yaml:"before"`
	After  []Ref `yaml:"after"`
}

// Approval says who must approve before a transition runs.
type Approval struct {
	Role        Ref             `yaml:"role"`
	Count       int             `yaml:"count"`
	AmountField Ref             `yaml:"amount_field"`
	Chain       []ApprovalLevel `yaml:"chain"`
	RejectTo    Ref             `yaml:"reject_to"`
	Pos         Pos             `yaml:"-"`
}

// UnmarshalYAML decodes the approval and remembers where it was written.
func (a *Approval) UnmarshalYAML(n *yaml.Node) error {
	type plain Approval
	if err := n.Decode((*plain)(a)); err != nil {
		return err
	}
	a.Pos = posOf(n)
	return nil
}

// ApprovalLevel is one level of an amount-based approval chain.
type ApprovalLevel struct {
	Below *float64 `yaml:"below"`
	Roles []Ref    `yaml:"roles"`
	Pos   Pos      `yaml:"-"`
}

// UnmarshalYAML decodes the level and remembers where it was written.
func (l *ApprovalLevel) UnmarshalYAML(n *yaml.Node) error {
	type plain ApprovalLevel
	if err := n.Decode((*plain)(l)); err != nil {
		return err
	}
	l.Pos = posOf(n)
	return nil
}

// Action is one step run after a transition; exactly one field is set.
type Action struct {
	Set           map[string]any `yaml:"set"`
	Assign        string         `yaml:"assign"`
	Priority      string         `yaml:"priority"`
	Team          Ref            `yaml:"team"`
	CreateChild   *ChildSpec     `yaml:"create_child"`
	CloseChildren bool           `yaml:"close_children"`
	Notify        Ref            `yaml:"notify"`
	Script        Ref            `yaml:"script"`
}

// ChildSpec describes a child ticket created by an action.
type ChildSpec struct {
	Process Ref            `yaml:"process"`
	Title   Label          `yaml:"title"`
	Team    Ref            `yaml:"team"`
	Data    map[string]any `yaml:"data"`
	// DataKeys are the keys of Data where they were written, so a field
	// the child's form lacks is reported there.
	DataKeys []Ref `yaml:"-"`
}

// UnmarshalYAML decodes the spec and remembers where its data keys were
// written.
func (c *ChildSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain ChildSpec
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	if _, data := mappingEntry(n, "data"); data != nil && data.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(data.Content); i += 2 {
			k := data.Content[i]
			c.DataKeys = append(c.DataKeys, Ref{Value: k.Value, Pos: posOf(k)})
		}
	}
	return nil
}

// ProcessHooks are scripts run at points of a ticket's life.
type ProcessHooks struct {
	OnCreate     Ref `yaml:"on_create"`
	Validate     Ref `yaml:"validate"`
	Compute      Ref `yaml:"compute"`
	OnSLAWarning Ref `yaml:"on_sla_warning"`
	OnSLABreach  Ref `yaml:"on_sla_breach"`
}

// Job is a scheduled script.
type Job struct {
	ID       Ref    `yaml:"id"`
	Schedule Ref    `yaml:"schedule"`
	Script   Ref    `yaml:"script"`
	Timeout  string `yaml:"timeout"`
}

// InitialState returns the state tickets start in.
func (p *Process) InitialState() *State {
	for i := range p.States {
		if p.States[i].Initial {
			return &p.States[i]
		}
	}
	if len(p.States) == 0 {
		return nil
	}
	return &p.States[0]
}

// State returns the state with the given id, or nil.
func (p *Process) State(id string) *State {
	for i := range p.States {
		if p.States[i].ID.Value == id {
			return &p.States[i]
		}
	}
	return nil
}

// Transition returns the transition with the given id, or nil.
func (p *Process) Transition(id string) *Transition {
	for i := range p.Transitions {
		if p.Transitions[i].ID.Value == id {
			return &p.Transitions[i]
		}
	}
	return nil
}

// StartsFrom reports whether t may run from state (honouring '*').
func (p *Process) StartsFrom(t *Transition, state string) bool {
	for _, f := range t.From {
		if f.Value == state {
			return true
		}
		if f.Value == "*" {
			if s := p.State(state); s != nil && !s.Final() {
				return true
			}
		}
	}
	return false
}
