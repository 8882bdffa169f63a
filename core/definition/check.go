package definition

import (
	"sort"
	"strings"
)

// check runs the cross-reference and consistency checks over every decoded
// definition, after all files are read so references may point forward.
func (b *builder) check() {
	for _, d := range b.order {
		switch def := d.def.(type) {
		case *Process:
			b.checkProcess(def, d.r)
		case *Form:
			b.checkForm(def, d.r)
		case *SLA:
			b.checkSLA(def, d.r)
		case *Calendar:
			checkCalendar(def, d.r)
		case *AssetClass:
			b.checkAssetClass(def, d.r)
		case *Team:
			b.checkTeam(def, d.r)
		case *Role:
			// Roles reference nothing; the schema checks their permissions.
		case *Notification:
			b.checkNotification(def, d.r)
		case *IdentityProvider:
			b.checkIdentityProvider(def, d.r)
		case *Migration:
			b.checkMigration(def, d.r)
		case *Mailbox:
			b.checkMailbox(def, d.r)
		case *Webhook:
			b.checkWebhook(def, d.r)
		case *KnowledgeCategory:
			b.checkKnowledgeCategory(def, d.r)
		}
	}
	b.checkNumbering()
	b.checkIdentityProviders()
	b.checkKnowledgeCategoryNames()
}

// kindNouns names kinds in messages the way administrators say them.
var kindNouns = map[string]string{
	"Process": "process", "Form": "form", "SLA": "SLA", "Calendar": "calendar",
	"AssetClass": "asset class", "Role": "role", "Team": "team", "Notification": "notification",
	"IdentityProvider": "identity provider", "Migration": "migration", "Mailbox": "mailbox",
	"Webhook": "webhook", "KnowledgeCategory": "knowledge category",
}

// ref reports ref if it names no declared definition of kind.
func (b *builder) ref(r reporter, kind string, ref Ref) {
	if ref.IsZero() || b.known[kind][ref.Value] {
		return
	}
	r.errorf(ref.Pos, "unknown_reference", "unknown %s '%s'%s%s", kindNouns[kind], ref.Value, suggest(ref.Value, b.ids(kind)), b.followOn(ref.Value))
}

func (b *builder) refs(r reporter, kind string, refs []Ref) {
	for _, ref := range refs {
		b.ref(r, kind, ref)
	}
}

// roleRef checks a role reference that may also be one of the built-in
// relationships such as 'requester'.
func (b *builder) roleRef(r reporter, ref Ref, builtins ...string) {
	if contains(builtins, ref.Value) {
		return
	}
	if ref.IsZero() || b.known["Role"][ref.Value] {
		return
	}
	r.errorf(ref.Pos, "unknown_reference", "unknown role '%s'%s%s", ref.Value, suggest(ref.Value, append(b.ids("Role"), builtins...)), b.followOn(ref.Value))
}

func (b *builder) script(r reporter, ref Ref) {
	if ref.IsZero() || b.cat.scripts[ref.Value] != nil {
		return
	}
	names := make([]string, 0, len(b.cat.scripts))
	for n := range b.cat.scripts {
		names = append(names, n)
	}
	r.errorf(ref.Pos, "unknown_reference", "unknown script '%s' (expected scripts/%s.lua)%s", ref.Value, ref.Value, suggest(ref.Value, names))
}

func (b *builder) scripts(r reporter, refs []Ref) {
	for _, ref := range refs {
		b.script(r, ref)
	}
}

func (b *builder) ids(kind string) []string {
	out := make([]string, 0, len(b.known[kind]))
	for id := range b.known[kind] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// uniqueRefs reports ids that appear twice in one list (states, fields...).
func uniqueRefs(r reporter, what string, ids []Ref) {
	seen := map[string]Pos{}
	for _, id := range ids {
		if id.IsZero() {
			continue
		}
		if first, dup := seen[id.Value]; dup {
			r.errorf(id.Pos, "duplicate_id", "duplicate %s id '%s' (first at line %d)", what, id.Value, first.Line)
			continue
		}
		seen[id.Value] = id.Pos
	}
}

// fieldSet is the data fields a condition may test: "id" for top-level
// fields and "group.id" for fields of repeating groups.
type fieldSet map[string]*Field

func (fs fieldSet) add(fields []Field) {
	for i := range fields {
		f := &fields[i]
		if _, ok := fs[f.ID.Value]; !ok {
			fs[f.ID.Value] = f
		}
		for j := range f.Fields {
			sub := &f.Fields[j]
			fs[f.ID.Value+"."+sub.ID.Value] = sub
		}
	}
}

func (fs fieldSet) names() []string {
	out := make([]string, 0, len(fs))
	for n := range fs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// checkCondition checks a condition's shape and that the fields it tests
// exist. fields may be nil when the data's fields are unknown.
func checkCondition(r reporter, c *Condition, fields fieldSet) {
	if c == nil {
		return
	}
	combinators := 0
	for _, op := range c.Ops {
		if op == "all" || op == "any" || op == "not" {
			combinators++
		}
	}
	switch {
	case len(c.Ops) == 0:
		r.errorf(c.Pos, "condition", "condition needs an operator: equals, not_equals, in, not_in, empty, gt, gte, lt, lte, all, any or not")
		return
	case len(c.Ops) > 1:
		r.errorf(c.Pos, "condition", "condition has several operators (%s); combine them with 'all' or 'any'", strings.Join(c.Ops, ", "))
		return
	case combinators == 1 && !c.Field.IsZero():
		r.errorf(c.Field.Pos, "condition", "'field' cannot be combined with '%s'", c.Ops[0])
		return
	case combinators == 0 && c.Field.IsZero():
		r.errorf(c.Pos, "condition", "condition with '%s' needs 'field'", c.Ops[0])
		return
	}
	for _, sub := range c.All {
		checkCondition(r, sub, fields)
	}
	for _, sub := range c.Any {
		checkCondition(r, sub, fields)
	}
	checkCondition(r, c.Not, fields)
	if !c.Field.IsZero() && fields != nil && fields[c.Field.Value] == nil {
		r.errorf(c.Field.Pos, "unknown_field", "unknown field '%s'%s", c.Field.Value, suggest(c.Field.Value, fields.names()))
	}
}
