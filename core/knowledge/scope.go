package knowledge

import (
	"slices"

	"vorgang/core/auth"
)

// PermWrite is the Role permission to write articles.
const PermWrite = "knowledge.write"

// Scope is what an asker may read. The zero Scope reads public articles
// only: the citizen on the portal.
type Scope struct {
	// Staff read internal articles too.
	Staff bool
	// Teams: the team-only articles of these teams.
	Teams []string
	// All reads every article (administrators).
	All bool
	// Drafts reads articles no version of which is approved yet (writers
	// of articles), within the visibilities above.
	Drafts bool
}

// ScopeOf is what p may read: nil is a citizen (public articles); every
// signed-in user is staff and reads the internal articles and those of
// their teams; administrators read all.
func ScopeOf(p *auth.Principal) Scope {
	if p == nil {
		return Scope{}
	}
	return Scope{Staff: true, Teams: p.Teams, All: p.Admin, Drafts: MayWrite(p)}
}

// Sees reports whether the scope reads a.
func (s Scope) Sees(a *Article) bool {
	switch {
	case a.Unpublished && !s.Drafts && !s.All:
		return false
	case s.All:
		return true
	case a.Visibility == Public:
		return true
	case a.Visibility == Internal:
		return s.Staff
	case a.Visibility == TeamOnly:
		return s.Staff && slices.Contains(s.Teams, a.Team)
	}
	return false
}

// MayWrite reports whether p may write articles.
func MayWrite(p *auth.Principal) bool { return p.HasPermission(PermWrite) }
