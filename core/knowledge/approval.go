package knowledge

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// The review step before publishing: a category declared with a review
// (definition kind KnowledgeCategory) keeps every saved version of its
// articles pending until a reviewer other than the version's author
// approves it; the published text is served meanwhile. The approvals of
// tickets do not fit here: they decide a process transition of a ticket
// and live in its history, while an article has no process and its
// decisions are versions of their own.

// ReviewRule is the review a category asks for.
type ReviewRule struct {
	// Category is the declared category's id.
	Category string
	// Role is the role a reviewer holds; empty: every writer reviews.
	Role string
}

// Codes of the refusals of a decision on a pending version.
const (
	// CodeOwnVersion: the author of a version never approves it.
	CodeOwnVersion = "own_article_version"
	// CodeReviewerRole: the category's reviewers hold a role the actor
	// lacks.
	CodeReviewerRole = "article_reviewer_role"
	// CodeNothingPending: no version of the article waits for approval.
	CodeNothingPending = "no_article_version_pending"
)

// reviewOf returns the first rule of the categories, ok false when none
// of them is reviewed.
func (s *Service) reviewOf(categories ...string) (ReviewRule, bool) {
	if s.review == nil {
		return ReviewRule{}, false
	}
	for _, c := range categories {
		if r, ok := s.review(c); ok {
			return r, true
		}
	}
	return ReviewRule{}, false
}

// ruleOfPending is the rule a's pending version is decided by: that of
// its category, else that of the published one, else (the declaration
// was removed meanwhile) any writer decides.
func (s *Service) ruleOfPending(a *Article) ReviewRule {
	r, _ := s.reviewOf(a.Pending.Category, a.Category)
	return r
}

// mayReview reports why actor may not decide on versions under rule
// (nil: they may). Administrators review every category.
func mayReview(actor *auth.Principal, rule ReviewRule) error {
	if !MayWrite(actor) {
		return fault.Forbidden
	}
	if rule.Role != "" && !actor.Admin && !actor.HasRole(rule.Role) {
		return fault.Coded(fault.Forbidden, CodeReviewerRole, "reviewers of the category hold the role "+rule.Role, "role", rule.Role)
	}
	return nil
}

// MayApprove reports whether actor may approve a's pending version: a
// reviewer of its category who is not the version's author.
func (s *Service) MayApprove(actor *auth.Principal, a *Article) bool {
	return a.Pending != nil && actor != nil && a.Pending.Author != actor.User && mayReview(actor, s.ruleOfPending(a)) == nil
}

// MayReject reports whether actor may withdraw a's pending version: a
// reviewer of its category, or its author.
func (s *Service) MayReject(actor *auth.Principal, a *Article) bool {
	return a.Pending != nil && actor != nil && MayWrite(actor) && (a.Pending.Author == actor.User || mayReview(actor, s.ruleOfPending(a)) == nil)
}

// Approve publishes the pending version of the article. version is the
// pending version the reviewer read: if another was saved since, the
// approval is refused (fault.Conflict) so nobody approves a text they did
// not see. The approval is a version of its own (Decision Approved), so
// the list of versions says who published what and when.
func (s *Service) Approve(ctx context.Context, actor *auth.Principal, number string, version int64) (*Article, error) {
	return s.decide(ctx, actor, number, version, Approved)
}

// Reject withdraws the pending version: the published text stays, and the
// rejected version remains in the list of versions. Its author may
// withdraw it too.
func (s *Service) Reject(ctx context.Context, actor *auth.Principal, number string, version int64) (*Article, error) {
	return s.decide(ctx, actor, number, version, Rejected)
}

func (s *Service) decide(ctx context.Context, actor *auth.Principal, number string, version int64, decision string) (*Article, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("decide article %s (%s): %w", number, decision, fault.Forbidden)
	}
	old, err := s.Get(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if old.Pending == nil {
		return nil, fmt.Errorf("decide article %s (%s): %w", number, decision,
			fault.Coded(fault.NotAllowedNow, CodeNothingPending, "no version of the article waits for approval"))
	}
	if old.Pending.Version != version {
		return nil, fmt.Errorf("decide article %s (%s): read version %d, pending %d: %w", number, decision, version, old.Pending.Version, fault.Conflict)
	}
	if decision == Approved && old.Pending.Author == actor.User {
		return nil, fmt.Errorf("approve article %s: %w", number,
			fault.Coded(fault.Forbidden, CodeOwnVersion, "the author of a version never approves it"))
	}
	ownWithdrawal := decision == Rejected && old.Pending.Author == actor.User
	if err := mayReview(actor, s.ruleOfPending(old)); err != nil && !ownWithdrawal {
		return nil, fmt.Errorf("decide article %s (%s): %w", number, decision, err)
	}
	a := *old
	a.Version, a.Updated, a.UpdatedBy, a.Pending, a.Published = old.Version+1, s.stamp(), actor.User, nil, 0
	set := map[string]any{"pending": nil, "published": int64(0), "updated": a.Updated, "updated_by": a.UpdatedBy}
	if decision == Approved {
		a.Content, a.Unpublished = old.Pending.Content, false
		set["unpublished"] = false
		set = contentSet(&a, set)
	}
	if _, err := s.store.Update(ctx, ArticlesCollection, number, old.Version, map[string]any{"$set": set}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("decide article %s (%s): %w", number, decision, fault.Conflict)
		}
		return nil, fmt.Errorf("decide article %s (%s): %w", number, decision, err)
	}
	if err := s.insertVersionDoc(ctx, &a, &Version{Author: actor.User, At: a.Updated, Content: a.Content, Decision: decision, Of: version}); err != nil {
		return nil, err
	}
	s.reindex(ctx, &a)
	s.log.InfoContext(ctx, "article version decided", "article", number, "version", version, "decision", decision, "actor", actor.User)
	return &a, nil
}

// AwaitingApproval lists the articles actor may read whose pending version
// actor may approve, the longest waiting first.
func (s *Service) AwaitingApproval(ctx context.Context, actor *auth.Principal) ([]Article, error) {
	if !MayWrite(actor) {
		return nil, nil
	}
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	scope := ScopeOf(actor)
	var out []Article
	for i := range all {
		if a := &all[i]; scope.Sees(a) && s.MayApprove(actor, a) {
			out = append(out, *a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pending.At.Before(out[j].Pending.At) })
	return out, nil
}
