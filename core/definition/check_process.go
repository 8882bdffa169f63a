package definition

import (
	"errors"
	"strings"
	"text/template"

	"github.com/robfig/cron/v3"
)

// cronParser accepts the five-field cron syntax administrators know, plus
// descriptors such as @daily.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// builtinRoles are relationships to a ticket usable wherever roles are.
var builtinRoles = []string{"requester", "assignee"}

func (b *builder) checkProcess(p *Process, r reporter) {
	b.ref(r, "Form", p.Form)
	b.checkFollowUp(p, r)
	b.ref(r, "SLA", p.SLA)
	b.ref(r, "Team", p.Team)
	for _, role := range p.Roles {
		b.roleRef(r, role)
	}

	stateIDs := make([]Ref, len(p.States))
	initial := 0
	for i, s := range p.States {
		stateIDs[i] = s.ID
		if s.Initial {
			initial++
			if initial > 1 {
				r.errorf(s.ID.Pos, "initial_state", "state '%s' is marked initial, but another state already is", s.ID.Value)
			}
		}
	}
	uniqueRefs(r, "state", stateIDs)
	if start := p.InitialState(); start != nil && start.Category != CategoryOpen {
		r.errorf(start.ID.Pos, "initial_state", "initial state '%s' must have category open, not %s", start.ID.Value, start.Category)
	}

	transitionIDs := make([]Ref, len(p.Transitions))
	for i, t := range p.Transitions {
		transitionIDs[i] = t.ID
	}
	uniqueRefs(r, "transition", transitionIDs)

	data := b.processFields(p)
	stateNames := Refs(stateIDs)
	for i := range p.Transitions {
		t := &p.Transitions[i]
		for _, from := range t.From {
			if from.Value != "*" && p.State(from.Value) == nil {
				r.errorf(from.Pos, "unknown_state", "transition '%s' starts from unknown state '%s'%s", t.ID.Value, from.Value, suggest(from.Value, stateNames))
			}
		}
		if t.ToPrevious() {
			checkPreviousTarget(p, t, r)
		} else if p.State(t.To.Value) == nil {
			r.errorf(t.To.Pos, "unknown_state", "transition '%s' leads to unknown state '%s'%s", t.ID.Value, t.To.Value, suggest(t.To.Value, stateNames))
		}
		for _, role := range t.Roles {
			b.roleRef(r, role, builtinRoles...)
		}
		b.ref(r, "Form", t.Form)
		b.script(r, t.GuardScript)
		b.scripts(r, t.Hooks.Before)
		b.scripts(r, t.Hooks.After)
		checkCondition(r, t.Guard, data)
		b.checkApproval(p, t, data, r)
		for _, a := range t.Actions {
			b.checkAction(a, data, r)
		}
	}

	b.script(r, p.Hooks.OnCreate)
	b.script(r, p.Hooks.Validate)
	b.script(r, p.Hooks.Compute)
	b.script(r, p.Hooks.OnSLAWarning)
	b.script(r, p.Hooks.OnSLABreach)

	jobIDs := make([]Ref, len(p.Jobs))
	for i, j := range p.Jobs {
		jobIDs[i] = j.ID
		b.script(r, j.Script)
		if err := checkSchedule(j.Schedule.Value); err != nil {
			r.errorf(j.Schedule.Pos, "invalid_schedule", "job '%s': invalid cron schedule '%s': %v", j.ID.Value, j.Schedule.Value, err)
		}
	}
	uniqueRefs(r, "job", jobIDs)
	b.checkRetention(p, r)

	checkAutoTransitions(p, r)
	b.checkPriorityMatrix(p, r)
	b.checkTicketTitle(p, r)
	checkReachable(p, r)
}

// checkTicketTitle parses the title template and checks the fields it
// names: the number, and fields of the process's form — a new ticket has
// no other data yet. Problems are reported at the template.
func (b *builder) checkTicketTitle(p *Process, r reporter) {
	if p.TicketTitle.IsZero() {
		return
	}
	tpl, err := template.New("ticket_title").Option("missingkey=error").Funcs(templateFuncStubs()).Parse(p.TicketTitle.Value)
	if err != nil {
		r.errorf(p.TicketTitle.Pos, "bad_template", "ticket_title: %s", strings.TrimPrefix(err.Error(), "template: "))
		return
	}
	var data fieldSet
	if f := b.cat.forms[p.Form.Value]; f != nil {
		data = fieldSet{}
		data.add(f.AllFields())
	}
	shape := templateShape{fields: TitleFields(), data: "Data", what: "the form '" + p.Form.Value + "' never"}
	for _, prob := range checkTemplateShape(tpl.Tree, shape, data, nil) {
		code := prob.code
		if code == "" {
			code = "bad_template"
		}
		// A title from a field the form lacks is always empty: an error,
		// unlike in a mail, where a script may have set the field.
		r.errorf(p.TicketTitle.Pos, code, "ticket_title: %s", prob.msg)
	}
}

// processFields is every data field a process's conditions may test: the
// opening form's fields and the fields of every transition form.
func (b *builder) processFields(p *Process) fieldSet {
	fs := fieldSet{}
	f := b.cat.forms[p.Form.Value]
	if f == nil {
		return nil // unknown or broken: that error is reported on its own
	}
	fs.add(f.AllFields())
	for _, t := range p.Transitions {
		if t.Form.IsZero() {
			continue
		}
		f := b.cat.forms[t.Form.Value]
		if f == nil {
			return nil
		}
		fs.add(f.AllFields())
	}
	return fs
}

func (b *builder) checkApproval(p *Process, t *Transition, data fieldSet, r reporter) {
	a := t.Approval
	if a == nil {
		return
	}
	b.roleRef(r, a.Role, "manager")
	if a.Role.IsZero() && len(a.Chain) == 0 {
		r.errorf(a.Pos, "approval", "transition '%s': approval needs 'role' or 'chain'", t.ID.Value)
	}
	if len(a.Chain) > 0 && a.AmountField.IsZero() {
		r.errorf(a.Chain[0].Pos, "approval", "an approval chain needs 'amount_field'")
	}
	if !a.AmountField.IsZero() && data != nil {
		if f := data[a.AmountField.Value]; f == nil {
			r.errorf(a.AmountField.Pos, "unknown_field", "unknown field '%s'%s", a.AmountField.Value, suggest(a.AmountField.Value, data.names()))
		} else if !f.Type.Number() {
			r.errorf(a.AmountField.Pos, "field_type", "amount field '%s' must be a number or computed field, not %s", a.AmountField.Value, f.Type)
		}
	}
	var last *float64
	for i, level := range a.Chain {
		for _, role := range level.Roles {
			b.roleRef(r, role, "manager")
		}
		switch {
		case level.Below == nil && i != len(a.Chain)-1:
			r.errorf(level.Pos, "approval", "only the last chain level may leave out 'below'")
		case level.Below != nil && last != nil && *level.Below <= *last:
			r.errorf(level.Pos, "approval", "chain levels must have increasing 'below' amounts")
		}
		last = level.Below
	}
	if !a.RejectTo.IsZero() && p.State(a.RejectTo.Value) == nil {
		r.errorf(a.RejectTo.Pos, "unknown_state", "unknown state '%s'", a.RejectTo.Value)
	}
}

// checkFollowUp checks a follow-up's process, its states and the field
// that receives the request's number: a read-only text field of the form,
// so nobody can send another number.
func (b *builder) checkFollowUp(p *Process, r reporter) {
	fu := p.FollowUp
	if fu == nil {
		return
	}
	b.ref(r, "Process", fu.Of)
	if of := b.cat.processes[fu.Of.Value]; of != nil {
		for _, s := range fu.States {
			if of.State(s.Value) == nil {
				r.errorf(s.Pos, "unknown_state", "follow_up: process '%s' has no state '%s'%s", of.ID.Value, s.Value, suggest(s.Value, stateIDs(of)))
			}
		}
	}
	form := b.cat.forms[p.Form.Value]
	if form == nil {
		return
	}
	switch f := form.Field(fu.Reference.Value); {
	case f == nil:
		r.errorf(fu.Reference.Pos, "unknown_field", "follow_up: form '%s' has no field '%s'", form.ID.Value, fu.Reference.Value)
	case f.Type != "text":
		r.errorf(fu.Reference.Pos, "field_type", "follow_up: field '%s' receives the request's number and must be a text field, not %s", f.ID.Value, f.Type)
	case !f.ReadOnly:
		r.errorf(fu.Reference.Pos, "not_read_only", "follow_up: field '%s' receives the request's number and must be read_only, so nobody can send another", f.ID.Value)
	}
}

func stateIDs(p *Process) []string {
	out := make([]string, len(p.States))
	for i, s := range p.States {
		out[i] = s.ID.Value
	}
	return out
}

func (b *builder) checkAction(a Action, data fieldSet, r reporter) {
	b.ref(r, "Team", a.Team)
	b.ref(r, "Notification", a.Notify)
	b.script(r, a.Script)
	if c := a.CreateChild; c != nil {
		b.ref(r, "Process", c.Process)
		b.ref(r, "Team", c.Team)
		b.checkChildData(c, r)
	}
}

// checkChildData wants every data key of a create_child action to be a
// field of the child process's form: the form refuses unknown fields, and
// the child would only fail when the transition runs.
func (b *builder) checkChildData(c *ChildSpec, r reporter) {
	child := b.cat.processes[c.Process.Value]
	if child == nil {
		return
	}
	form := b.cat.forms[child.Form.Value]
	if form == nil {
		return
	}
	var ids []string
	for _, f := range form.AllFields() {
		ids = append(ids, f.ID.Value)
	}
	for _, k := range c.DataKeys {
		if form.Field(k.Value) == nil {
			r.errorf(k.Pos, "unknown_field", "create_child: the form '%s' of process '%s' has no field '%s'%s", form.ID.Value, child.ID.Value, k.Value, suggest(k.Value, ids))
		}
	}
}

func (b *builder) checkPriorityMatrix(p *Process, r reporter) {
	m := p.PriorityMatrix
	if m == nil {
		return
	}
	form := b.cat.forms[p.Form.Value]
	if form == nil {
		return
	}
	options := map[string][]string{}
	for _, axis := range []Ref{m.Rows, m.Columns} {
		f := form.Field(axis.Value)
		switch {
		case f == nil:
			r.errorf(axis.Pos, "unknown_field", "priority matrix: form '%s' has no field '%s'", form.ID.Value, axis.Value)
		case f.Type != FieldSelect:
			r.errorf(axis.Pos, "field_type", "priority matrix: field '%s' must be a select field, not %s", axis.Value, f.Type)
		case f.Lookup == nil:
			for _, o := range f.Options {
				options[axis.Value] = append(options[axis.Value], toString(o.Value))
			}
		}
	}
	check := func(field string, key Ref) {
		if opts, ok := options[field]; ok && !contains(opts, key.Value) {
			r.errorf(key.Pos, "invalid_value", "priority matrix: '%s' is not an option of field '%s'%s", key.Value, field, suggest(key.Value, opts))
		}
	}
	for _, row := range m.Values {
		check(m.Rows.Value, row.Key)
		for _, col := range row.Columns {
			check(m.Columns.Value, col.Key)
		}
	}
}

// checkNumbering reports processes that share a numbering prefix: they would
// hand out the same ticket numbers.
func (b *builder) checkNumbering() {
	first := map[string]*Process{}
	for _, d := range b.order {
		p, ok := d.def.(*Process)
		if !ok {
			continue
		}
		prefix := p.Numbering.Prefix
		if prefix.IsZero() {
			continue
		}
		if other := first[prefix.Value]; other != nil {
			b.reporterFor(p).errorf(prefix.Pos, "duplicate_id", "numbering prefix '%s' is also used by process '%s'", prefix.Value, other.ID.Value)
			continue
		}
		first[prefix.Value] = p
	}
}

// checkReachable reports states no path of transitions leads to from the
// initial state, and open states a ticket can never leave.
func checkReachable(p *Process, r reporter) {
	start := p.InitialState()
	if start == nil {
		return
	}
	seen := map[string]bool{start.ID.Value: true}
	queue := []string{start.ID.Value}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for i := range p.Transitions {
			t := &p.Transitions[i]
			if !p.StartsFrom(t, cur) {
				continue
			}
			// A way back ($previous) reaches only states the ticket was
			// in already: it adds none.
			targets := []string{t.To.Value}
			if t.Approval != nil && !t.Approval.RejectTo.IsZero() {
				targets = append(targets, t.Approval.RejectTo.Value)
			}
			for _, to := range targets {
				if seen[to] || p.State(to) == nil {
					continue
				}
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	for _, s := range p.States {
		if !seen[s.ID.Value] {
			r.errorf(s.ID.Pos, "unreachable_state", "state '%s' cannot be reached from the initial state '%s'", s.ID.Value, start.ID.Value)
			continue
		}
		if s.Category != CategoryOpen {
			continue
		}
		leaves := false
		for i := range p.Transitions {
			if p.StartsFrom(&p.Transitions[i], s.ID.Value) && p.Transitions[i].To.Value != s.ID.Value {
				leaves = true
				break
			}
		}
		if !leaves {
			r.warnf(s.ID.Pos, "dead_end_state", "tickets in state '%s' (category %s) can never leave it", s.ID.Value, s.Category)
		}
	}
}

// checkPreviousTarget: a transition back to the previous state starts only
// from states some other transition leads into — in the initial state
// alone a ticket has no previous state, and the way back could never be
// offered. '*' stands for every open state, some of which are entered.
func checkPreviousTarget(p *Process, t *Transition, r reporter) {
	for _, from := range t.From {
		if from.Value == "*" || p.State(from.Value) == nil {
			continue
		}
		entered := false
		for i := range p.Transitions {
			o := &p.Transitions[i]
			if o.To.Value == from.Value && !(len(o.From) == 1 && o.From[0].Value == from.Value) ||
				o.Approval != nil && o.Approval.RejectTo.Value == from.Value {
				entered = true
				break
			}
		}
		if !entered {
			r.errorf(from.Pos, "no_previous_state", "transition '%s' goes back to the previous state, but no transition leads into '%s': a ticket there has no previous state", t.ID.Value, from.Value)
		}
	}
}

// checkSchedule parses a cron schedule. Time zone prefixes are refused: a
// job runs in its process's calendar time zone (and robfig/cron panics on
// a bare "TZ=" prefix).
func checkSchedule(schedule string) error {
	if strings.HasPrefix(schedule, "TZ=") || strings.HasPrefix(schedule, "CRON_TZ=") {
		return errors.New("no time zone prefix: jobs run in the calendar's time zone")
	}
	_, err := cronParser.Parse(schedule)
	return err
}

// checkAutoTransitions keeps transitions that run by themselves to what
// vorgang can run without a person: no form to fill in, no approval to
// ask for, and one per state and event, so which one runs is never a
// matter of order.
func checkAutoTransitions(p *Process, r reporter) {
	first := map[[2]string]string{} // event and state → the transition that runs on it
	for i := range p.Transitions {
		t := &p.Transitions[i]
		if t.Auto.IsZero() {
			continue
		}
		if !t.Form.IsZero() {
			r.errorf(t.Auto.Pos, "auto_transition", "transition '%s' runs by itself (auto: %s) and cannot ask for a form", t.ID.Value, t.Auto.Value)
		}
		if t.Approval != nil {
			r.errorf(t.Auto.Pos, "auto_transition", "transition '%s' runs by itself (auto: %s) and cannot ask for an approval", t.ID.Value, t.Auto.Value)
		}
		for _, s := range p.States {
			if !p.StartsFrom(t, s.ID.Value) {
				continue
			}
			key := [2]string{t.Auto.Value, s.ID.Value}
			if other, ok := first[key]; ok {
				r.errorf(t.Auto.Pos, "auto_transition", "transitions '%s' and '%s' both run by themselves on %s from state '%s'; keep one", other, t.ID.Value, t.Auto.Value, s.ID.Value)
				continue
			}
			first[key] = t.ID.Value
		}
	}
}
