package webkit

import "vorgang/core/definition"

// StateTitle is the title of a state: for citizens its public title when
// it has one.
func StateTitle(p *definition.Process, id string, public bool) definition.Label {
	if p != nil {
		if s := p.State(id); s != nil {
			if public && !s.PublicTitle.IsZero() {
				return s.PublicTitle
			}
			if !s.Title.IsZero() {
				return s.Title
			}
		}
	}
	return definition.Label{De: id, En: id}
}

// TeamTitle is a team's title, or its id when the catalog lacks it.
func TeamTitle(cat *definition.Catalog, id string) definition.Label {
	if t := cat.Team(id); t != nil {
		return t.Title
	}
	return definition.Label{De: id, En: id}
}

// TransitionTitle is a transition's title, or its id when it has none.
func TransitionTitle(tr *definition.Transition) definition.Label {
	if !tr.Title.IsZero() {
		return tr.Title
	}
	return definition.Label{De: tr.ID.Value, En: tr.ID.Value}
}
