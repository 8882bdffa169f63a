package webkit

import (
	"context"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
)

// Explained gives a refusal's Error the titles of the process the ticket
// belongs to, so its sentence names roles, states and fields as the desk
// does; other errors pass unchanged.
func Explained(err error, cat *definition.Catalog, p *definition.Process) error {
	if e, ok := err.(*Error); ok && engine.IsReasonCode(e.Code) {
		e.names = Names{cat: cat, p: p}
	}
	return err
}

// ExplainedFor is Explained for a request on the ticket with the number:
// the process is the one of the ticket, as actor may see it.
func ExplainedFor(ctx context.Context, eng *engine.Engine, cat *definition.Catalog, actor *auth.Principal, number string, err error) error {
	if e, ok := err.(*Error); !ok || !engine.IsReasonCode(e.Code) || cat == nil {
		return err
	}
	var p *definition.Process
	if t, terr := eng.Ticket(ctx, actor, number); terr == nil {
		p = cat.Process(t.Process)
	}
	return Explained(err, cat, p)
}

// Names finds the titles of the ids a refusal names. Without a catalog or
// process, an id stands for itself.
type Names struct {
	cat *definition.Catalog
	p   *definition.Process
}

// NewNames finds the titles of ids in the catalog and the process.
func NewNames(cat *definition.Catalog, p *definition.Process) Names { return Names{cat: cat, p: p} }

// builtinRoles are the roles a transition or approval step may name that
// are not definitions.
var builtinRoles = map[string]definition.Label{
	"requester":        {De: "die antragstellende Person", En: "the requester"},
	"assignee":         {De: "die zuständige Bearbeiterin oder der zuständige Bearbeiter", En: "the assignee"},
	engine.ManagerRole: {De: "die Führungskraft der antragstellenden Person", En: "the requester's manager"},
}

func (n Names) Role(id string) definition.Label {
	if l, ok := builtinRoles[id]; ok {
		return l
	}
	if n.cat != nil {
		if r := n.cat.Role(id); r != nil && !r.Title.IsZero() {
			return r.Title
		}
	}
	return plainLabel(id)
}

func (n Names) State(id string) definition.Label { return StateTitle(n.p, id, false) }

func (n Names) Team(id string) definition.Label {
	if n.cat == nil {
		return plainLabel(id)
	}
	return TeamTitle(n.cat, id)
}

func (n Names) Transition(id string) definition.Label {
	if n.p != nil {
		if tr := n.p.Transition(id); tr != nil {
			return TransitionTitle(tr)
		}
	}
	return plainLabel(id)
}

// field finds a field's label in the process's form or in one of its
// transitions' forms; 'group.field' is a field of a repeating group.
func (n Names) Field(id string) definition.Label {
	if n.cat == nil || n.p == nil {
		return plainLabel(id)
	}
	forms := []string{n.p.Form.Value}
	for _, tr := range n.p.Transitions {
		forms = append(forms, tr.Form.Value)
	}
	top, sub, grouped := strings.Cut(id, ".")
	for _, fid := range forms {
		f := n.cat.Form(fid)
		if f == nil {
			continue
		}
		fl := f.Field(top)
		if fl == nil {
			continue
		}
		if !grouped {
			return fl.Label
		}
		for _, s := range fl.Fields {
			if s.ID.Value == sub {
				return s.Label
			}
		}
	}
	return plainLabel(id)
}

func plainLabel(id string) definition.Label { return definition.Label{De: id, En: id} }

// refusalTexts are the sentences of the reason codes; %s are filled by
// refusalArgs.
var refusalTexts = map[string]map[Lang]string{
	engine.ReasonRoleRequired: {
		LangDE: "Das ist folgenden Personen vorbehalten: %s.",
		LangEN: "This is reserved for: %s.",
	},
	engine.ReasonTeamRequired: {
		LangDE: "Das ist den Mitgliedern des Teams „%s“ vorbehalten, die Vorgänge bearbeiten.",
		LangEN: "This is reserved for members of the team “%s” who work on tickets.",
	},
	engine.ReasonPermissionRequired: {
		LangDE: "Dafür fehlt Ihnen die Berechtigung „%s“.",
		LangEN: "You lack the permission “%s” for this.",
	},
	engine.ReasonStateMismatch: {
		LangDE: "Das ist im Status „%s“ nicht möglich, nur im Status %s.",
		LangEN: "This is not possible in the status “%s”, only in the status %s.",
	},
	engine.ReasonApprovalPending: {
		LangDE: "Der Vorgang wartet auf die Genehmigung durch %s.",
		LangEN: "The ticket is waiting for the approval of %s.",
	},
	engine.ReasonGuardFailed: {
		LangDE: "Die Voraussetzung dafür ist nicht erfüllt: „%s“.",
		LangEN: "The condition for this is not met: “%s”.",
	},
	engine.ReasonRuleRefused: {
		LangDE: "Eine Regel des Ablaufs lässt das jetzt nicht zu.",
		LangEN: "A rule of the process does not allow this now.",
	},
	engine.ReasonNoManager: {
		LangDE: "Diese Genehmigung erteilt die Führungskraft, und für %s ist keine Führungskraft hinterlegt. Bitte wenden Sie sich an die Administration.",
		LangEN: "This approval is given by the manager, and none is on record for %s. Please contact the administrators.",
	},
	engine.ReasonNoApprovalLevel: {
		LangDE: "Für den Betrag %s ist keine Genehmigungsstufe festgelegt.",
		LangEN: "No approval level is defined for the amount %s.",
	},
	engine.ReasonNoApprovalPending: {
		LangDE: "Der Vorgang wartet auf keine Genehmigung.",
		LangEN: "The ticket is not waiting for an approval.",
	},
	engine.ReasonApprovalDropped: {
		LangDE: "Der Schritt „%s“ braucht keine Genehmigung mehr; über die Anfrage kann nicht mehr entschieden werden.",
		LangEN: "The step “%s” no longer needs an approval; the request can no longer be decided.",
	},
	engine.ReasonSelfApproval: {
		LangDE: "Über den eigenen Antrag entscheidet immer eine andere Person.",
		LangEN: "Someone else always decides on your own request.",
	},
	engine.ReasonAlreadyApproved: {
		LangDE: "Sie haben bereits einen früheren Schritt genehmigt; den nächsten (%s) entscheidet eine andere Person.",
		LangEN: "You approved an earlier step; the next one (%s) is decided by someone else.",
	},
	engine.ReasonProcessUndefined: {
		LangDE: "Der Ablauf „%s“ dieses Vorgangs ist nicht mehr definiert.",
		LangEN: "The process “%s” of this ticket is no longer defined.",
	},
	engine.ReasonStateUndefined: {
		LangDE: "Der Zielstatus „%s“ ist nicht mehr definiert.",
		LangEN: "The target status “%s” is no longer defined.",
	},
	engine.ReasonNoPreviousState: {
		LangDE: "Der Vorgang ist seit seiner Eröffnung im Status „%s“; es gibt keinen vorherigen Status, zu dem er zurückkehren könnte.",
		LangEN: "The ticket has been in the status “%s” since it was opened; there is no previous status to go back to.",
	},
}

// RefusalText is the sentence that explains a refusal in l, or false for a
// code that is no reason code.
func RefusalText(l Lang, code string, params map[string]any, n Names) (string, bool) {
	texts, ok := refusalTexts[code]
	if !ok {
		return "", false
	}
	str := func(k string) string { s, _ := params[k].(string); return s }
	list := func(k string) []string {
		switch v := params[k].(type) {
		case []string:
			return v
		case []any:
			out := make([]string, 0, len(v))
			for _, x := range v {
				out = append(out, fmt.Sprint(x))
			}
			return out
		}
		return nil
	}
	titles := func(ids []string, title func(string) definition.Label) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = title(id).In(string(l))
		}
		return joinOr(l, out)
	}
	var args []any
	switch code {
	case engine.ReasonRoleRequired:
		args = []any{titles(list("roles"), n.Role)}
	case engine.ReasonTeamRequired:
		args = []any{n.Team(str("team")).In(string(l))}
	case engine.ReasonPermissionRequired:
		args = []any{str("permission")}
	case engine.ReasonStateMismatch:
		from := list("from")
		quoted := make([]string, len(from))
		for i, s := range from {
			if s == "*" {
				quoted[i] = Text(l, "refusal_any_open_state")
				continue
			}
			quoted[i] = "„" + n.State(s).In(string(l)) + "“"
			if l == LangEN {
				quoted[i] = "“" + n.State(s).In(string(l)) + "”"
			}
		}
		args = []any{n.State(str("state")).In(string(l)), joinOr(l, quoted)}
	case engine.ReasonApprovalPending:
		args = []any{n.Role(str("step")).In(string(l))}
	case engine.ReasonGuardFailed:
		args = []any{n.Field(str("field")).In(string(l))}
	case engine.ReasonRuleRefused:
		if m := str("message"); m != "" {
			return texts[l] + " " + m, true
		}
	case engine.ReasonNoManager:
		args = []any{str("requester")}
	case engine.ReasonNoApprovalLevel:
		args = []any{str("amount")}
	case engine.ReasonApprovalDropped:
		args = []any{n.Transition(str("transition")).In(string(l))}
	case engine.ReasonAlreadyApproved:
		args = []any{n.Role(str("step")).In(string(l))}
	case engine.ReasonProcessUndefined:
		args = []any{str("process")}
	case engine.ReasonStateUndefined, engine.ReasonNoPreviousState:
		args = []any{n.State(str("state")).In(string(l))}
	}
	if len(args) == 0 {
		return texts[l], true
	}
	return fmt.Sprintf(texts[l], args...), true
}

// joinOr lists alternatives: "a, b oder c".
func joinOr(l Lang, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	or := " oder "
	if l == LangEN {
		or = " or "
	}
	return strings.Join(items[:len(items)-1], ", ") + or + items[len(items)-1]
}
