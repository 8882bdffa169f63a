package web

import (
	"context"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
)

// explained gives a refusal's Error the titles of the process the ticket
// belongs to, so its sentence names roles, states and fields as the desk
// does; other errors pass unchanged.
func explained(err error, cat *definition.Catalog, p *definition.Process) error {
	if e, ok := err.(*Error); ok && engine.IsReasonCode(e.Code) {
		e.names = names{cat: cat, p: p}
	}
	return err
}

// explainedFor is explained for a request on the ticket with the number:
// the process is the one of the ticket, as actor may see it.
func explainedFor(ctx context.Context, eng *engine.Engine, cat *definition.Catalog, actor *auth.Principal, number string, err error) error {
	if e, ok := err.(*Error); !ok || !engine.IsReasonCode(e.Code) || cat == nil {
		return err
	}
	var p *definition.Process
	if t, terr := eng.Ticket(ctx, actor, number); terr == nil {
		p = cat.Process(t.Process)
	}
	return explained(err, cat, p)
}

// names finds the titles of the ids a refusal names. Without a catalog or
// process, an id stands for itself.
type names struct {
	cat *definition.Catalog
	p   *definition.Process
}

// builtinRoles are the roles a transition or approval step may name that
// are not definitions.
var builtinRoles = map[string]definition.Label{
	"requester":        {De: "die antragstellende Person", En: "the requester"},
	"assignee":         {De: "die zuständige Bearbeiterin oder der zuständige Bearbeiter", En: "the assignee"},
	engine.ManagerRole: {De: "die Führungskraft der antragstellenden Person", En: "the requester's manager"},
}

func (n names) role(id string) definition.Label {
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

func (n names) state(id string) definition.Label { return stateTitle(n.p, id, false) }

func (n names) team(id string) definition.Label {
	if n.cat == nil {
		return plainLabel(id)
	}
	return teamTitle(n.cat, id)
}

func (n names) transition(id string) definition.Label {
	if n.p != nil {
		if tr := n.p.Transition(id); tr != nil {
			return transitionTitle(tr)
		}
	}
	return plainLabel(id)
}

// field finds a field's label in the process's form or in one of its
// transitions' forms; 'group.field' is a field of a repeating group.
func (n names) field(id string) definition.Label {
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
var refusalTexts = map[string]map[lang]string{
	engine.ReasonRoleRequired: {
		langDE: "Das ist folgenden Personen vorbehalten: %s.",
		langEN: "This is reserved for: %s.",
	},
	engine.ReasonTeamRequired: {
		langDE: "Das ist den Mitgliedern des Teams „%s“ vorbehalten, die Vorgänge bearbeiten.",
		langEN: "This is reserved for members of the team “%s” who work on tickets.",
	},
	engine.ReasonPermissionRequired: {
		langDE: "Dafür fehlt Ihnen die Berechtigung „%s“.",
		langEN: "You lack the permission “%s” for this.",
	},
	engine.ReasonStateMismatch: {
		langDE: "Das ist im Status „%s“ nicht möglich, nur im Status %s.",
		langEN: "This is not possible in the status “%s”, only in the status %s.",
	},
	engine.ReasonApprovalPending: {
		langDE: "Der Vorgang wartet auf die Genehmigung durch %s.",
		langEN: "The ticket is waiting for the approval of %s.",
	},
	engine.ReasonGuardFailed: {
		langDE: "Die Voraussetzung dafür ist nicht erfüllt: „%s“.",
		langEN: "The condition for this is not met: “%s”.",
	},
	engine.ReasonRuleRefused: {
		langDE: "Eine Regel des Ablaufs lässt das jetzt nicht zu.",
		langEN: "A rule of the process does not allow this now.",
	},
	engine.ReasonNoManager: {
		langDE: "Diese Genehmigung erteilt die Führungskraft, und für %s ist keine Führungskraft hinterlegt. Bitte wenden Sie sich an die Administration.",
		langEN: "This approval is given by the manager, and none is on record for %s. Please contact the administrators.",
	},
	engine.ReasonNoApprovalLevel: {
		langDE: "Für den Betrag %s ist keine Genehmigungsstufe festgelegt.",
		langEN: "No approval level is defined for the amount %s.",
	},
	engine.ReasonNoApprovalPending: {
		langDE: "Der Vorgang wartet auf keine Genehmigung.",
		langEN: "The ticket is not waiting for an approval.",
	},
	engine.ReasonApprovalDropped: {
		langDE: "Der Schritt „%s“ braucht keine Genehmigung mehr; über die Anfrage kann nicht mehr entschieden werden.",
		langEN: "The step “%s” no longer needs an approval; the request can no longer be decided.",
	},
	engine.ReasonSelfApproval: {
		langDE: "Über den eigenen Antrag entscheidet immer eine andere Person.",
		langEN: "Someone else always decides on your own request.",
	},
	engine.ReasonAlreadyApproved: {
		langDE: "Sie haben bereits einen früheren Schritt genehmigt; den nächsten (%s) entscheidet eine andere Person.",
		langEN: "You approved an earlier step; the next one (%s) is decided by someone else.",
	},
	engine.ReasonProcessUndefined: {
		langDE: "Der Ablauf „%s“ dieses Vorgangs ist nicht mehr definiert.",
		langEN: "The process “%s” of this ticket is no longer defined.",
	},
	engine.ReasonStateUndefined: {
		langDE: "Der Zielstatus „%s“ ist nicht mehr definiert.",
		langEN: "The target status “%s” is no longer defined.",
	},
	engine.ReasonNoPreviousState: {
		langDE: "Der Vorgang ist seit seiner Eröffnung im Status „%s“; es gibt keinen vorherigen Status, zu dem er zurückkehren könnte.",
		langEN: "The ticket has been in the status “%s” since it was opened; there is no previous status to go back to.",
	},
}

// refusalText is the sentence that explains a refusal in l, or false for a
// code that is no reason code.
func refusalText(l lang, code string, params map[string]any, n names) (string, bool) {
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
		args = []any{titles(list("roles"), n.role)}
	case engine.ReasonTeamRequired:
		args = []any{n.team(str("team")).In(string(l))}
	case engine.ReasonPermissionRequired:
		args = []any{str("permission")}
	case engine.ReasonStateMismatch:
		from := list("from")
		quoted := make([]string, len(from))
		for i, s := range from {
			if s == "*" {
				quoted[i] = text(l, "refusal_any_open_state")
				continue
			}
			quoted[i] = "„" + n.state(s).In(string(l)) + "“"
			if l == langEN {
				quoted[i] = "“" + n.state(s).In(string(l)) + "”"
			}
		}
		args = []any{n.state(str("state")).In(string(l)), joinOr(l, quoted)}
	case engine.ReasonApprovalPending:
		args = []any{n.role(str("step")).In(string(l))}
	case engine.ReasonGuardFailed:
		args = []any{n.field(str("field")).In(string(l))}
	case engine.ReasonRuleRefused:
		if m := str("message"); m != "" {
			return texts[l] + " " + m, true
		}
	case engine.ReasonNoManager:
		args = []any{str("requester")}
	case engine.ReasonNoApprovalLevel:
		args = []any{str("amount")}
	case engine.ReasonApprovalDropped:
		args = []any{n.transition(str("transition")).In(string(l))}
	case engine.ReasonAlreadyApproved:
		args = []any{n.role(str("step")).In(string(l))}
	case engine.ReasonProcessUndefined:
		args = []any{str("process")}
	case engine.ReasonStateUndefined, engine.ReasonNoPreviousState:
		args = []any{n.state(str("state")).In(string(l))}
	}
	if len(args) == 0 {
		return texts[l], true
	}
	return fmt.Sprintf(texts[l], args...), true
}

// joinOr lists alternatives: "a, b oder c".
func joinOr(l lang, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	or := " oder "
	if l == langEN {
		or = " or "
	}
	return strings.Join(items[:len(items)-1], ", ") + or + items[len(items)-1]
}
