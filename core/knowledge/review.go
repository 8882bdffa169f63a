package knowledge

import (
	"context"
	"sort"

	"vorgang/core/auth"
)

// DueForReview lists the articles actor owns whose review date has come,
// the longest overdue first.
func (s *Service) DueForReview(ctx context.Context, actor *auth.Principal) ([]Article, error) {
	if actor == nil {
		return nil, nil
	}
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	scope := ScopeOf(actor)
	var out []Article
	for i := range all {
		a := &all[i]
		if a.Owner == actor.User && a.DueForReview(now) && scope.Sees(a) {
			out = append(out, *a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReviewAt.Before(out[j].ReviewAt) })
	return out, nil
}
