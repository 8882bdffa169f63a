package knowledge

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// versionID is the _id of an article's version.
func versionID(number string, version int64) string {
	return number + "/" + strconv.FormatInt(version, 10)
}

// Create stores a new article as version 1 and returns it. lang is the
// language of error messages.
func (s *Service) Create(ctx context.Context, actor *auth.Principal, c Content, lang string) (*Article, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("create article: %w", fault.Forbidden)
	}
	if err := clean(&c, actor, lang); err != nil {
		return nil, err
	}
	if err := s.checkOwner(ctx, &c, actor, lang); err != nil {
		return nil, err
	}
	n, err := s.store.NextNumber(ctx, numberScope)
	if err != nil {
		return nil, fmt.Errorf("create article: number: %w", err)
	}
	now := s.stamp()
	a := &Article{Number: "KB-" + strconv.FormatInt(n, 10), Version: 1, Content: c,
		Created: now, Updated: now, CreatedBy: actor.User, UpdatedBy: actor.User}
	if _, ok := s.reviewOf(c.Category); ok {
		// Nothing is published before a reviewer approves the first
		// version; until then only writers see the article.
		a.Unpublished = true
		a.Pending = &Pending{Version: 1, Author: actor.User, At: now, Content: c}
	}
	if err := s.store.Insert(ctx, ArticlesCollection, a); err != nil {
		return nil, fmt.Errorf("create article %s: %w", a.Number, err)
	}
	if err := s.insertVersion(ctx, a); err != nil {
		return nil, err
	}
	s.reindex(ctx, a)
	s.log.InfoContext(ctx, "article created", "article", a.Number, "actor", actor.User)
	return a, nil
}

// Update saves a new version of the article over version expect, the one
// the editor read. If someone saved in between, nothing is stored and the
// error is fault.Conflict.
func (s *Service) Update(ctx context.Context, actor *auth.Principal, number string, expect int64, c Content, lang string) (*Article, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("update article %s: %w", number, fault.Forbidden)
	}
	old, err := s.Get(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if old.Version != expect {
		return nil, fmt.Errorf("update article %s: read version %d, stored %d: %w", number, expect, old.Version, fault.Conflict)
	}
	if err := clean(&c, actor, lang); err != nil {
		return nil, err
	}
	if err := s.checkOwner(ctx, &c, actor, lang); err != nil {
		return nil, err
	}
	a := *old
	a.Version, a.Updated, a.UpdatedBy = expect+1, s.stamp(), actor.User
	var set map[string]any
	// Moving an article out of a reviewed category is itself reviewed,
	// so the rule of the published category counts too.
	if _, ok := s.reviewOf(c.Category, old.Category); ok {
		if old.Pending == nil && !old.Unpublished {
			a.Published = old.Version
		}
		if a.Unpublished {
			a.Content = c // what lists show writers until the approval
		}
		a.Pending = &Pending{Version: a.Version, Author: actor.User, At: a.Updated, Content: c}
		set = map[string]any{"pending": a.Pending, "published": a.Published, "updated": a.Updated, "updated_by": a.UpdatedBy}
		if a.Unpublished {
			set = contentSet(&a, set)
		}
	} else {
		a.Content, a.Pending, a.Published, a.Unpublished = c, nil, 0, false
		set = contentSet(&a, map[string]any{"pending": nil, "published": int64(0), "unpublished": false,
			"updated": a.Updated, "updated_by": a.UpdatedBy})
	}
	_, err = s.store.Update(ctx, ArticlesCollection, number, expect, map[string]any{"$set": set})
	if errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("update article %s: %w", number, fault.Conflict)
	}
	if err != nil {
		return nil, fmt.Errorf("update article %s: %w", number, err)
	}
	// Only the winner of the compare-and-set gets here, so the version's
	// _id is free.
	if err := s.insertVersion(ctx, &a); err != nil {
		return nil, err
	}
	s.reindex(ctx, &a)
	s.log.InfoContext(ctx, "article updated", "article", number, "version", a.Version, "actor", actor.User)
	return &a, nil
}

// contentSet adds the fields of a's content to a $set.
func contentSet(a *Article, set map[string]any) map[string]any {
	for k, v := range map[string]any{"texts": a.Texts, "category": a.Category, "tags": a.Tags, "visibility": a.Visibility,
		"team": a.Team, "owner": a.Owner, "review_at": a.ReviewAt} {
		set[k] = v
	}
	return set
}

// insertVersion stores a's latest content as its version.
func (s *Service) insertVersion(ctx context.Context, a *Article) error {
	return s.insertVersionDoc(ctx, a, &Version{Author: a.UpdatedBy, At: a.Updated, Content: *a.Latest()})
}

// insertVersionDoc stores v as a's current version.
func (s *Service) insertVersionDoc(ctx context.Context, a *Article, v *Version) error {
	v.ID, v.Article, v.Version = versionID(a.Number, a.Version), a.Number, a.Version
	err := s.store.Insert(ctx, VersionsCollection, v)
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("save article %s version %d: %w", a.Number, a.Version, fault.Conflict)
	}
	if err != nil {
		return fmt.Errorf("save article %s version %d: %w", a.Number, a.Version, err)
	}
	return nil
}

// Get returns the article if actor may read it (nil: a citizen). An
// article the actor may not read is not found, so its number tells
// nothing.
func (s *Service) Get(ctx context.Context, actor *auth.Principal, number string) (*Article, error) {
	var a Article
	err := s.store.Get(ctx, ArticlesCollection, number, &a)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("article %s: %w", number, fault.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("article %s: %w", number, err)
	}
	if !ScopeOf(actor).Sees(&a) {
		return nil, fmt.Errorf("article %s: %w", number, fault.NotFound)
	}
	return &a, nil
}

// reindex puts a saved article into the index. The save stands if this
// fails: the index is rebuilt from the store at the next start.
func (s *Service) reindex(ctx context.Context, a *Article) {
	if s.index == nil {
		return
	}
	if err := s.indexed(a); err != nil {
		s.log.WarnContext(ctx, "index article", "article", a.Number, "error", err)
	}
}
