package definition

import "strings"

// skipFollowUps returns the reporter for the checks of a schema-invalid
// definition. Checks that would mostly repeat its schema errors are
// dropped: a misspelt 'states' makes every transition's state unknown. A
// process keeps its state checks unless the schema errors lie in its states
// or in the from/to of its transitions, and says so when it loses them.
func (b *builder) skipFollowUps(doc *document, def any, r reporter, wrong []string) reporter {
	p, ok := def.(*Process)
	if !ok {
		r.skip = followUpCodes
		return r
	}
	var broken []string
	for _, w := range wrong {
		if part := stateStructure(w); part != "" && !contains(broken, part) {
			broken = append(broken, part)
		}
	}
	if len(broken) == 0 {
		return r
	}
	r.warnf(p.ID.Pos, "checks_skipped", "the state checks of process '%s' (unknown from/to states, the initial state, reachability) were skipped: they run once the errors in %s are fixed", p.ID.Value, strings.Join(broken, " and "))
	r.skip = followUpCodes
	return r
}

// stateStructure names the part of a process a wrong path breaks for the
// state checks ("states", "transitions"), or "" when it breaks none.
func stateStructure(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case path == "":
		return "the whole definition"
	case parts[0] == "states":
		return "states"
	case parts[0] != "transitions":
		return ""
	case len(parts) <= 2, parts[2] == "from", parts[2] == "to":
		return "transitions"
	}
	return ""
}
