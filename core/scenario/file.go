package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"vorgang/core/engine"
	"vorgang/core/mailin"
)

// Suite is one scenario file: the people and things its scenarios share,
// and the scenarios.
type Suite struct {
	Path      string
	Title     string
	Users     []User
	Assets    []Asset
	Scenarios []Scenario
}

// User is a person a scenario acts as, created through the user service.
type User struct {
	Name    string   `yaml:"name"`
	Display string   `yaml:"display"`
	Email   string   `yaml:"email"`
	Roles   []string `yaml:"roles"`
	Teams   []string `yaml:"teams"`
	Manager string   `yaml:"manager"`
}

// Asset is a record of the asset register present before the first step.
type Asset struct {
	Number    string              `yaml:"number"`
	Class     string              `yaml:"class"`
	Name      string              `yaml:"name"`
	Status    string              `yaml:"status"`
	Fields    map[string]any      `yaml:"fields"`
	Relations map[string][]string `yaml:"relations"`
}

// Scenario is one story, run on its own fresh store.
type Scenario struct {
	Name  string
	Clock time.Time
	Steps []Step
	Pos   Pos
}

// Pos is a place in the scenario file.
type Pos struct{ Line, Col int }

// Step is one thing that happens, optionally followed by expectations.
// At most one of Open, Run, Decide, Comment, Assign, Job, Definitions,
// MailIn and Retention is set; a step with none of them only checks.
type Step struct {
	As      string
	Clock   *time.Time
	Advance time.Duration

	Open    string
	Run     string
	Decide  string // approve or reject
	Comment string
	Assign  *string
	Job     string // process/job
	// Retention applies the retention rules that are due at the step's
	// clock, as the server does hourly.
	Retention bool
	// Definitions switches to the definitions in this folder (relative to
	// the test file; "current": back to those under test), as a reload of
	// the server does: refused when open tickets would be stranded,
	// migrations applied.
	Definitions string
	// MailIn is a message that arrives at a mailbox: filed as a delivery
	// of it would be, into a new ticket or onto the ticket it answers.
	MailIn *MailIn

	Ticket   string // a name given by an earlier step, or a ticket number
	Name     string // the name the opened ticket is known by
	Title    string
	Data     map[string]any
	Internal bool
	Reason   string

	Expect *Expect
	Error  *ExpectedError
	Pos    Pos
}

// Action says what the step does, for messages.
func (s *Step) Action() string {
	who := s.As
	if who == "" {
		who = "nobody"
	}
	switch {
	case s.Open != "":
		return fmt.Sprintf("%s opens %s", who, s.Open)
	case s.Run != "":
		return fmt.Sprintf("%s runs %s", who, s.Run)
	case s.Decide != "":
		return fmt.Sprintf("%s decides %s", who, s.Decide)
	case s.Comment != "":
		return fmt.Sprintf("%s comments", who)
	case s.Assign != nil:
		return fmt.Sprintf("%s assigns to %q", who, *s.Assign)
	case s.Job != "":
		return "job " + s.Job + " runs"
	case s.Retention:
		return "retention runs"
	case s.Definitions != "":
		return "definitions switch to " + s.Definitions
	case s.MailIn != nil:
		return "mail from " + s.MailIn.From + " arrives"
	}
	return "check"
}

// MailIn is a plain-text message that arrives at a Mailbox, with the
// headers a mail program would write. It runs through the same parsing,
// loop rules and threading as mail read over IMAP or LMTP.
type MailIn struct {
	// Mailbox is the Mailbox's id; it may be left out when the desk has
	// one.
	Mailbox string `yaml:"mailbox"`
	// From is the sender, "Name <address>" or an address.
	From string `yaml:"from"`
	// To is the recipient; default the mailbox's first address.
	To      string `yaml:"to"`
	Subject string `yaml:"subject"`
	Body    string `yaml:"body"`
	// ReplyTo names a ticket (by name or number) whose mail the message
	// answers: its In-Reply-To and References name the Message-ID of
	// vorgang's mail about it, as a mail program's reply does.
	ReplyTo string `yaml:"reply_to"`
	// Headers are further header fields (Auto-Submitted, Precedence, …).
	Headers map[string]string `yaml:"headers"`
	// Outcome, when set, is what the message must become: ticket, reply,
	// dropped, quarantine, rejected or bounce.
	Outcome string `yaml:"outcome"`
}

// mailOutcomes are the outcomes a MailIn may expect.
var mailOutcomes = []string{mailin.OutcomeTicket, mailin.OutcomeReply, mailin.OutcomeDropped, mailin.OutcomeQuarantine,
	mailin.OutcomeRejected, mailin.OutcomeBounce}

var mailInKeys = []string{"mailbox", "from", "to", "subject", "body", "reply_to", "headers", "outcome"}

// Expect is what must hold for the step's ticket after the step. Unset
// keys are not checked.
type Expect struct {
	State     *string
	Priority  *string
	Team      *string
	Assignee  *string
	Requester *string
	Title     *string
	Open      *bool
	Due       *string // RFC 3339, or "none"
	Parent    *string
	Fields    map[string]any
	Children  []ChildExpect
	Links     []string
	Notify    []string
	Mails     []MailExpect
	WaitsFor  *string // the role the pending approval waits for, or "none"
	Comments  []CommentExpect

	// pos is where each key was written, for failure messages.
	pos map[string]Pos
}

// MailExpect describes one mail the step caused: its recipient, and
// optionally the notification it comes from and a text its subject or body
// contains.
type MailExpect struct {
	To           string `yaml:"to"`
	Notification string `yaml:"notification"`
	Contains     string `yaml:"contains"`
}

// ChildExpect describes one child ticket; Name binds it for later steps.
type ChildExpect struct {
	Process string         `yaml:"process"`
	Title   string         `yaml:"title"`
	State   string         `yaml:"state"`
	Team    string         `yaml:"team"`
	Fields  map[string]any `yaml:"fields"`
	Name    string         `yaml:"name"`
}

// CommentExpect describes a comment: its text contains Text.
type CommentExpect struct {
	Text     string `yaml:"text"`
	Internal *bool  `yaml:"internal"`
	By       string `yaml:"by"`
}

// ExpectedError is the error a step must fail with: a code — a kind
// (validation_failed, not_found, forbidden, conflict, not_allowed_now,
// already_done) or
// the reason code of a refusal (approval_pending, role_required, …, which
// says more than its kind) — for validation_failed the fields in error,
// for a reason code the parameters that must match, and words of the
// message.
type ExpectedError struct {
	Code    string         `yaml:"code"`
	Fields  []string       `yaml:"fields"`
	Params  map[string]any `yaml:"params"`
	Message string         `yaml:"message"`
}

// Codes of ExpectedError.
// codeStranded: a step that switches definitions was refused because open
// tickets would be stranded.
const codeStranded = "stranded"

var errorCodes = append([]string{"validation_failed", "not_found", "forbidden", "conflict", "not_allowed_now", "already_done", codeStranded}, engine.ReasonCodes()...)

// Parse reads a scenario file. Errors are path:line:col: message.
func Parse(path string, data []byte) (*Suite, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:1:1: the file is empty", path)
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s:1: %s", path, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	p := parser{path: path}
	s := &Suite{Path: path}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s:1:1: the file is empty", path)
	}
	doc := root.Content[0]
	if err := p.keys(doc, "title", "users", "assets", "scenarios"); err != nil {
		return nil, err
	}
	for key, val := range pairs(doc) {
		var err error
		switch key.Value {
		case "title":
			err = p.decode(val, &s.Title)
		case "users":
			err = p.strictList(val, &s.Users, "name", "display", "email", "roles", "teams", "manager")
		case "assets":
			err = p.strictList(val, &s.Assets, "number", "class", "name", "status", "fields", "relations")
		case "scenarios":
			err = p.scenarios(val, s)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(s.Scenarios) == 0 {
		return nil, p.errorf(doc, "no scenarios: the file needs a 'scenarios' list")
	}
	for i, u := range s.Users {
		if u.Name == "" {
			return nil, p.errorf(doc, "users[%d] has no name", i)
		}
	}
	for i, a := range s.Assets {
		if a.Number == "" || a.Class == "" {
			return nil, p.errorf(doc, "assets[%d] needs a number and a class", i)
		}
	}
	return s, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

type parser struct{ path string }

func (p parser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", p.path, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// pairs iterates the key and value nodes of a mapping.
func pairs(n *yaml.Node) func(yield func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}

// keys checks that n is a mapping with only the allowed keys, each once.
func (p parser) keys(n *yaml.Node, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "expected a mapping with keys %s", strings.Join(allowed, ", "))
	}
	seen := map[string]bool{}
	for k := range pairs(n) {
		if !contains(allowed, k.Value) {
			return p.errorf(k, "unknown key '%s'%s (allowed: %s)", k.Value, suggest(k.Value, allowed), strings.Join(allowed, ", "))
		}
		if seen[k.Value] {
			return p.errorf(k, "key '%s' is given twice", k.Value)
		}
		seen[k.Value] = true
	}
	return nil
}

func (p parser) decode(n *yaml.Node, out any) error {
	if err := n.Decode(out); err != nil {
		return p.errorf(n, "%s", strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
	}
	return nil
}

// strictList decodes a list of mappings whose keys must be among allowed.
func (p parser) strictList(n *yaml.Node, out any, allowed ...string) error {
	if n.Kind != yaml.SequenceNode {
		return p.errorf(n, "expected a list")
	}
	for _, item := range n.Content {
		if err := p.keys(item, allowed...); err != nil {
			return err
		}
	}
	return p.decode(n, out)
}

func (p parser) scenarios(n *yaml.Node, s *Suite) error {
	if n.Kind != yaml.SequenceNode {
		return p.errorf(n, "'scenarios' must be a list")
	}
	for _, item := range n.Content {
		if err := p.keys(item, "name", "clock", "steps"); err != nil {
			return err
		}
		sc := Scenario{Pos: Pos{item.Line, item.Column}}
		for key, val := range pairs(item) {
			var err error
			switch key.Value {
			case "name":
				err = p.decode(val, &sc.Name)
			case "clock":
				sc.Clock, err = p.time(val)
			case "steps":
				sc.Steps, err = p.steps(val)
			}
			if err != nil {
				return err
			}
		}
		if sc.Name == "" {
			return p.errorf(item, "a scenario needs a name")
		}
		if sc.Clock.IsZero() {
			return p.errorf(item, "scenario %q needs a clock (e.g. clock: 2026-11-23T08:00:00+01:00)", sc.Name)
		}
		if len(sc.Steps) == 0 {
			return p.errorf(item, "scenario %q has no steps", sc.Name)
		}
		s.Scenarios = append(s.Scenarios, sc)
	}
	return nil
}

// time reads an RFC 3339 time; a bare date is midnight UTC.
func (p parser) time(n *yaml.Node) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, n.Value); err == nil {
			return t, nil
		}
	}
	return time.Time{}, p.errorf(n, "'%s' is not a time like 2026-11-23T08:00:00+01:00", n.Value)
}

var stepKeys = []string{"as", "clock", "advance", "open", "run", "decide", "comment", "assign", "job", "definitions", "mail_in",
	"retention", "ticket", "name", "title", "data", "internal", "reason", "expect", "error"}

var actionKeys = []string{"open", "run", "decide", "comment", "assign", "job", "definitions", "mail_in", "retention"}

func (p parser) steps(n *yaml.Node) ([]Step, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, "'steps' must be a list")
	}
	var out []Step
	for _, item := range n.Content {
		if err := p.keys(item, stepKeys...); err != nil {
			return nil, err
		}
		st := Step{Pos: Pos{item.Line, item.Column}}
		var actions []string
		for key, val := range pairs(item) {
			var err error
			if contains(actionKeys, key.Value) {
				actions = append(actions, key.Value)
			}
			switch key.Value {
			case "as":
				err = p.decode(val, &st.As)
			case "clock":
				var t time.Time
				t, err = p.time(val)
				st.Clock = &t
			case "advance":
				st.Advance, err = p.duration(val)
			case "open":
				err = p.decode(val, &st.Open)
			case "run":
				err = p.decode(val, &st.Run)
			case "decide":
				err = p.decode(val, &st.Decide)
				if err == nil && st.Decide != "approve" && st.Decide != "reject" {
					err = p.errorf(val, "decide is approve or reject, not '%s'", st.Decide)
				}
			case "comment":
				err = p.decode(val, &st.Comment)
			case "assign":
				var who string
				err = p.decode(val, &who)
				st.Assign = &who
			case "job":
				err = p.decode(val, &st.Job)
				if err == nil && strings.Count(st.Job, "/") != 1 {
					err = p.errorf(val, "job is PROCESS/JOB, not '%s'", st.Job)
				}
			case "definitions":
				err = p.decode(val, &st.Definitions)
			case "retention":
				err = p.decode(val, &st.Retention)
			case "mail_in":
				st.MailIn, err = p.mailIn(val)
			case "ticket":
				err = p.decode(val, &st.Ticket)
			case "name":
				err = p.decode(val, &st.Name)
			case "title":
				err = p.decode(val, &st.Title)
			case "data":
				err = p.decode(val, &st.Data)
				st.Data, _ = normalize(st.Data).(map[string]any)
			case "internal":
				err = p.decode(val, &st.Internal)
			case "reason":
				err = p.decode(val, &st.Reason)
			case "expect":
				st.Expect, err = p.expect(val)
			case "error":
				st.Error, err = p.expectedError(val)
			}
			if err != nil {
				return nil, err
			}
		}
		if len(actions) == 2 && contains(actions, "run") && contains(actions, "comment") {
			actions = []string{"run"} // the transition's comment
		}
		if len(actions) > 1 {
			return nil, p.errorf(item, "a step does one thing; this one has %s", strings.Join(actions, " and "))
		}
		if len(actions) == 1 && actions[0] != "job" && actions[0] != "definitions" && actions[0] != "mail_in" && actions[0] != "retention" && st.As == "" {
			return nil, p.errorf(item, "the step needs 'as': the user who acts (or citizen)")
		}
		if st.MailIn != nil && st.As != "" {
			return nil, p.errorf(item, "a mail is sent by its 'from', not 'as'")
		}
		if st.Name != "" && st.Open == "" && st.MailIn == nil {
			return nil, p.errorf(item, "'name' names a ticket the step opens; use it with 'open' or 'mail_in'")
		}
		out = append(out, st)
	}
	return out, nil
}

// mailIn reads a mail_in step: a from is required, the outcome one of
// mailOutcomes.
func (p parser) mailIn(n *yaml.Node) (*MailIn, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "'mail_in' is a message: from, subject, body, …")
	}
	if err := p.keys(n, mailInKeys...); err != nil {
		return nil, err
	}
	var m MailIn
	if err := p.decode(n, &m); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.From) == "" {
		return nil, p.errorf(n, "'mail_in' needs 'from': the sender")
	}
	if m.Outcome != "" && !contains(mailOutcomes, m.Outcome) {
		return nil, p.errorf(n, "mail_in outcome '%s' is not one of %s", m.Outcome, strings.Join(mailOutcomes, ", "))
	}
	return &m, nil
}

func (p parser) duration(n *yaml.Node) (time.Duration, error) {
	s := n.Value
	if strings.HasSuffix(s, "d") {
		var days int
		if _, err := fmt.Sscanf(s, "%dd", &days); err == nil {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, p.errorf(n, "'%s' is not a duration like 90m, 4h or 2d", s)
	}
	return d, nil
}

var expectKeys = []string{"state", "priority", "team", "assignee", "requester", "title", "open", "due",
	"parent", "fields", "children", "links", "notify", "mails", "waits_for", "comments"}

func (p parser) expect(n *yaml.Node) (*Expect, error) {
	if err := p.keys(n, expectKeys...); err != nil {
		return nil, err
	}
	e := &Expect{pos: map[string]Pos{}}
	for key, val := range pairs(n) {
		e.pos[key.Value] = Pos{val.Line, val.Column}
		str := func(out **string) error {
			var s string
			if val.Tag == "!!null" {
				s = ""
			} else if err := p.decode(val, &s); err != nil {
				return err
			}
			*out = &s
			return nil
		}
		var err error
		switch key.Value {
		case "state":
			err = str(&e.State)
		case "priority":
			err = str(&e.Priority)
		case "team":
			err = str(&e.Team)
		case "assignee":
			err = str(&e.Assignee)
		case "requester":
			err = str(&e.Requester)
		case "title":
			err = str(&e.Title)
		case "open":
			var b bool
			err = p.decode(val, &b)
			e.Open = &b
		case "due":
			if val.Value != "none" {
				var t time.Time
				if t, err = p.time(val); err == nil {
					s := t.Format(time.RFC3339)
					e.Due = &s
				}
			} else {
				s := "none"
				e.Due = &s
			}
		case "parent":
			err = str(&e.Parent)
		case "fields":
			var m map[string]any
			err = p.decode(val, &m)
			e.Fields, _ = normalize(m).(map[string]any)
			for k, v := range pairs(val) {
				e.pos["fields."+k.Value] = Pos{v.Line, v.Column}
			}
		case "children":
			err = p.strictList(val, &e.Children, "process", "title", "state", "team", "fields", "name")
			for i := range e.Children {
				e.Children[i].Fields, _ = normalize(e.Children[i].Fields).(map[string]any)
			}
		case "links":
			err = p.decode(val, &e.Links)
		case "notify":
			err = p.decode(val, &e.Notify)
		case "mails":
			err = p.strictList(val, &e.Mails, "to", "notification", "contains")
			for i, m := range e.Mails {
				if m.To == "" {
					err = p.errorf(val.Content[i], "a mail needs 'to'")
				}
			}
		case "waits_for":
			err = str(&e.WaitsFor)
		case "comments":
			err = p.strictList(val, &e.Comments, "text", "internal", "by")
		}
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (p parser) expectedError(n *yaml.Node) (*ExpectedError, error) {
	var e ExpectedError
	if n.Kind == yaml.ScalarNode {
		e.Code = n.Value
	} else {
		if err := p.keys(n, "code", "fields", "params", "message"); err != nil {
			return nil, err
		}
		if err := p.decode(n, &e); err != nil {
			return nil, err
		}
	}
	if !contains(errorCodes, e.Code) {
		return nil, p.errorf(n, "error code '%s' is not one of %s", e.Code, strings.Join(errorCodes, ", "))
	}
	if len(e.Fields) > 0 && e.Code != "validation_failed" {
		return nil, p.errorf(n, "error fields go with code validation_failed")
	}
	if len(e.Params) > 0 && !engine.IsReasonCode(e.Code) {
		return nil, p.errorf(n, "error params go with the reason code of a refusal (%s)", strings.Join(engine.ReasonCodes(), ", "))
	}
	return &e, nil
}

// normalize turns YAML values into the JSON data model the engine stores:
// times become ISO text (a date when at midnight UTC), integers float64.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = normalize(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalize(val)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Location() == time.UTC {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest proposes the allowed word nearest to a typo.
func suggest(got string, allowed []string) string {
	best, dist := "", 3
	for _, a := range allowed {
		if d := editDistance(got, a); d < dist {
			best, dist = a, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean '%s'?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// sortedKeys returns a map's keys in order, so messages are stable.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsScenarioFile reports whether a file name is a scenario file:
// *_test.yaml or *_test.yml.
func IsScenarioFile(name string) bool {
	return strings.HasSuffix(name, "_test.yaml") || strings.HasSuffix(name, "_test.yml")
}
