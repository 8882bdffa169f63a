package definition

import (
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"
)

func (b *builder) checkSLA(s *SLA, r reporter) {
	b.ref(r, "Calendar", s.Calendar)
	seen := map[string]bool{}
	for _, t := range s.Targets {
		if seen[t.Priority.Value] {
			r.errorf(t.Priority.Pos, "duplicate_id", "SLA '%s': priority %s has two targets", s.ID.Value, t.Priority.Value)
		}
		seen[t.Priority.Value] = true
		if t.FirstResponse == "" && t.Resolution == "" {
			r.errorf(t.Priority.Pos, "sla_target", "SLA '%s': the %s target needs first_response or resolution", s.ID.Value, t.Priority.Value)
		}
	}
	for _, e := range s.Escalations {
		b.ref(r, "Notification", e.Notify)
		b.ref(r, "Team", e.Team)
	}
}

var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

func checkCalendar(c *Calendar, r reporter) {
	if tz := c.Timezone; !tz.IsZero() {
		// time.LoadLocation also accepts "Local", the server's own zone,
		// which would make deadlines depend on where vorgang runs.
		if _, err := time.LoadLocation(tz.Value); err != nil || tz.Value == "Local" {
			r.errorf(tz.Pos, "bad_timezone", "calendar '%s': unknown time zone '%s' (use an IANA name such as Europe/Berlin)", c.ID.Value, tz.Value)
		}
	}
	open := false
	for _, day := range weekdays {
		for _, span := range c.WorkingHours[day] {
			from, to, _ := strings.Cut(span.Value, "-")
			if from >= to {
				r.errorf(span.Pos, "bad_range", "calendar '%s': %s: '%s' ends before it starts", c.ID.Value, day, span.Value)
			}
			open = true
		}
	}
	if !open {
		r.errorf(c.ID.Pos, "no_working_hours", "calendar '%s' has no working hours on any day", c.ID.Value)
	}
	for _, d := range c.ClosedDays {
		if _, err := time.Parse(time.DateOnly, d.Value); err != nil {
			r.errorf(d.Pos, "bad_date", "'%s' is not a valid date (YYYY-MM-DD)", d.Value)
		}
	}
}

func (b *builder) checkAssetClass(a *AssetClass, r reporter) {
	ids := make([]Ref, len(a.Statuses))
	for i, s := range a.Statuses {
		ids[i] = s.ID
	}
	uniqueRefs(r, "status", ids)
	fields := fieldSet{}
	fields.add(a.Fields)
	b.checkFields(a.Fields, fields, r, false)
	relIDs := make([]Ref, len(a.Relations))
	for i, rel := range a.Relations {
		relIDs[i] = rel.ID
		switch {
		case rel.Target == "asset":
			b.ref(r, "AssetClass", rel.AssetClass)
		case !rel.AssetClass.IsZero():
			r.errorf(rel.AssetClass.Pos, "field_option", "relation '%s': asset_class only applies to target asset", rel.ID.Value)
		}
		if rel.Target != "asset" && (rel.Containment || rel.OnRetire != "") {
			r.errorf(rel.ID.Pos, "field_option", "relation '%s': containment and on_retire only apply to target asset", rel.ID.Value)
		}
	}
	uniqueRefs(r, "relation", relIDs)
	for _, rem := range a.Reminders {
		var f *Field
		for i := range a.Fields {
			if a.Fields[i].ID.Value == rem.Field.Value {
				f = &a.Fields[i]
			}
		}
		switch {
		case f == nil:
			r.errorf(rem.Field.Pos, "unknown_field", "reminder: the class has no field '%s'", rem.Field.Value)
		case f.Type != FieldDate:
			r.errorf(rem.Field.Pos, "field_option", "reminder: field '%s' is no date field", rem.Field.Value)
		}
	}
}

func (b *builder) checkTeam(t *Team, r reporter) {
	b.refs(r, "Role", t.Roles)
	b.ref(r, "Calendar", t.Calendar)
	b.ref(r, "Team", t.Parent)
	// Follow the parent chain to find cycles.
	seen := map[string]bool{t.ID.Value: true}
	for cur := b.cat.teams[t.Parent.Value]; cur != nil; cur = b.cat.teams[cur.Parent.Value] {
		if seen[cur.ID.Value] {
			r.errorf(t.Parent.Pos, "cycle", "team '%s': parent teams form a cycle", t.ID.Value)
			break
		}
		seen[cur.ID.Value] = true
	}
}

func (b *builder) checkNotification(n *Notification, r reporter) {
	b.refs(r, "Process", n.Processes)
	if len(n.Transitions) > 0 && n.Event != "ticket.transitioned" {
		r.errorf(n.Transitions[0].Pos, "notification", "'transitions' only applies to event ticket.transitioned")
	}
	for _, t := range n.Transitions {
		if !b.transitionExists(n.Processes, t.Value) {
			r.errorf(t.Pos, "unknown_reference", "unknown transition '%s' in the notification's processes", t.Value)
		}
	}
	for _, rcpt := range n.Recipients {
		kind, id, ok := strings.Cut(rcpt.Value, ":")
		if !ok {
			continue
		}
		ref := Ref{Value: id, Pos: rcpt.Pos}
		switch kind {
		case "role":
			b.ref(r, "Role", ref)
		case "team":
			b.ref(r, "Team", ref)
		}
	}
	data := b.notificationData(n)
	var internal map[string]bool
	if contains(Refs(n.Recipients), "requester") {
		internal = b.internalFields(n)
	}
	for _, l := range []Label{n.Subject, n.Body} {
		for _, text := range []struct {
			lang, text string
			pos        Pos
		}{{"de", l.De, l.DePos}, {"en", l.En, l.EnPos}} {
			if text.text == "" {
				continue
			}
			tpl, err := template.New(text.lang).Option("missingkey=error").Funcs(templateFuncStubs()).Parse(text.text)
			if err != nil {
				r.errorf(templateErrorPos(err, text.pos), "bad_template", "template (%s): %s", text.lang, strings.TrimPrefix(err.Error(), "template: "))
				continue
			}
			for _, p := range checkTemplateFields(tpl.Tree, data, internal) {
				pos := text.pos
				if line := strings.Count(text.text[:p.offset], "\n"); line > 0 {
					pos = Pos{Line: text.pos.Line + line, Col: 1}
				}
				if p.warning {
					r.warnf(pos, p.code, "template (%s): %s", text.lang, p.msg)
				} else {
					code := p.code
					if code == "" {
						code = "bad_template"
					}
					r.errorf(pos, code, "template (%s): %s", text.lang, p.msg)
				}
			}
		}
	}
}

// notificationData is the data fields of the tickets a notification is
// about: the fields of every form of its processes and the keys their
// 'set' actions write. nil when it names no processes or one is broken,
// so that {{.Ticket.Data.x}} is not checked.
func (b *builder) notificationData(n *Notification) fieldSet {
	if len(n.Processes) == 0 {
		return nil
	}
	data := fieldSet{}
	for _, ref := range n.Processes {
		p := b.cat.processes[ref.Value]
		if p == nil {
			return nil
		}
		fields := b.processFields(p)
		if fields == nil {
			return nil
		}
		for k, f := range fields {
			data[k] = f
		}
		for _, t := range p.Transitions {
			for _, a := range t.Actions {
				for k := range a.Set {
					data[k] = &Field{}
				}
			}
		}
	}
	return data
}

// internalFields is the data fields of the notification's processes that
// the requester never sees: those of transition forms not marked
// public: true, unless the opening form (which the requester filled) has a
// field of the same id.
func (b *builder) internalFields(n *Notification) map[string]bool {
	out := map[string]bool{}
	opening := map[string]bool{}
	for _, ref := range n.Processes {
		p := b.cat.processes[ref.Value]
		if p == nil {
			continue
		}
		if f := b.cat.forms[p.Form.Value]; f != nil {
			for _, fd := range f.AllFields() {
				opening[fd.ID.Value] = true
			}
		}
		for _, t := range p.Transitions {
			f := b.cat.forms[t.Form.Value]
			if t.Form.IsZero() || f == nil {
				continue
			}
			for _, fd := range f.AllFields() {
				if fd.Public == nil || !*fd.Public {
					out[fd.ID.Value] = true
				}
			}
		}
	}
	for id := range opening {
		delete(out, id)
	}
	return out
}

var templateErrorLine = regexp.MustCompile(`^template: [a-z]+:(\d+):`)

// templateErrorPos maps the line text/template names in an error to the file
// line, when the text starts at start.
func templateErrorPos(err error, start Pos) Pos {
	m := templateErrorLine.FindStringSubmatch(err.Error())
	if m == nil {
		return start
	}
	line, _ := strconv.Atoi(m[1])
	if line <= 1 {
		return start
	}
	return Pos{Line: start.Line + line - 1, Col: 1}
}

// transitionExists reports whether one of processes (all when empty) has a
// transition with the id.
func (b *builder) transitionExists(processes []Ref, id string) bool {
	for pid, p := range b.cat.processes {
		if len(processes) > 0 && !contains(Refs(processes), pid) {
			continue
		}
		if p.Transition(id) != nil {
			return true
		}
	}
	// A broken process could hold it; its own errors are reported.
	return len(b.known["Process"]) > len(b.cat.processes)
}
