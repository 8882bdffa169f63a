package asset

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/store"
)

// Create stores a new asset of in.Class for actor, who needs asset.write.
// The number is in.Number when given, else the class's next one.
func (s *Service) Create(ctx context.Context, actor *auth.Principal, in Input) (*Asset, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("create an asset: %w", fault.Forbidden)
	}
	cat := s.catalog()
	c, err := s.class(cat, in.Class, "class", in.Lang)
	if err != nil {
		return nil, err
	}
	if in.Number != "" && !ValidNumber(in.Number) {
		return nil, invalid("number", CodeInvalidNumber, in.Lang)
	}
	a, errs, err := s.build(ctx, cat, c, nil, in, s.resolveStored, nil)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, fault.Fields(errs...)
	}
	now := s.stamp()
	a.Version = 1
	a.Created, a.Updated = now, now
	a.CreatedBy, a.UpdatedBy = actorName(actor), actorName(actor)
	a.History = []Change{{At: now, Actor: actorName(actor), Type: ChangeCreated, Fields: diff(nil, a)}}
	if in.Number != "" {
		a.Number, a.Key = in.Number, numberKey(in.Number)
		err = s.store.Insert(ctx, AssetsCollection, a)
		if errors.Is(err, store.ErrDuplicate) {
			return nil, invalid("number", CodeNumberTaken, in.Lang)
		}
		if err != nil {
			return nil, fmt.Errorf("asset: store %s: %w", a.Number, err)
		}
	} else if err := s.insertNew(ctx, c, a); err != nil {
		return nil, err
	}
	s.indexed(a)
	s.log.InfoContext(ctx, "asset created", "asset", a.Number, "class", a.Class, "actor", actorName(actor))
	return a, nil
}

// Get returns the asset with the number, history included.
func (s *Service) Get(ctx context.Context, actor *auth.Principal, number string) (*Asset, error) {
	if !MayRead(actor) {
		return nil, fmt.Errorf("read asset %s: %w", number, fault.Forbidden)
	}
	return s.load(ctx, number)
}

// load reads the asset with the number, given in any case, history
// included.
func (s *Service) load(ctx context.Context, number string) (*Asset, error) {
	if !ValidNumber(number) {
		return nil, fmt.Errorf("asset %q: %w", number, fault.NotFound)
	}
	var a Asset
	err := s.store.Get(ctx, AssetsCollection, number, &a)
	if errors.Is(err, store.ErrNotFound) {
		// Given in another case than stored?
		err = s.getByKey(ctx, number, &a)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("asset %s: %w", number, fault.NotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("asset: read %s: %w", number, err)
	}
	a.normalize()
	return &a, nil
}

// getByKey reads the asset whose number equals number regardless of case,
// or returns an error wrapping store.ErrNotFound.
func (s *Service) getByKey(ctx context.Context, number string, out *Asset) error {
	if s.mem != nil {
		if err := s.Warm(ctx); err != nil {
			return err
		}
		rec, ok := s.mem.get(number)
		if !ok || rec.Number == number {
			return store.ErrNotFound
		}
		return s.store.Get(ctx, AssetsCollection, rec.Number, out)
	}
	var found []*Asset
	f := store.Find{Shape: shapeByKey, Equal: []store.Condition{{Field: "number_key", Value: numberKey(number)}}, Limit: 1}
	if err := s.store.Find(ctx, AssetsCollection, f, &found); err != nil {
		return err
	}
	if len(found) == 0 {
		return store.ErrNotFound
	}
	*out = *found[0]
	return nil
}

// Update changes an asset as in says (see Input). version is the version
// the caller saw, and required: an edit without it would overwrite
// someone else's change unseen, so 0 is refused (field "version",
// form.CodeRequired). An edit that changes nothing is not recorded.
func (s *Service) Update(ctx context.Context, actor *auth.Principal, number string, version int64, in Input) (*Asset, error) {
	return s.change(ctx, actor, number, version, in, ChangeUpdated)
}

// Retire moves an asset to its class's last status ("retired"). Retiring
// a retired asset changes nothing. version as in Update.
func (s *Service) Retire(ctx context.Context, actor *auth.Principal, number string, version int64, lang string) (*Asset, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("retire asset %s: %w", number, fault.Forbidden)
	}
	old, err := s.load(ctx, number)
	if err != nil {
		return nil, err
	}
	c := s.catalog().AssetClass(old.Class)
	if c == nil {
		return nil, invalid("class", CodeUnknownClass, lang)
	}
	retired := RetiredStatus(c)
	return s.change(ctx, actor, number, version, Input{Status: &retired, Lang: lang}, ChangeRetired)
}

func (s *Service) change(ctx context.Context, actor *auth.Principal, number string, version int64, in Input, kind string) (*Asset, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("change asset %s: %w", number, fault.Forbidden)
	}
	if version <= 0 {
		return nil, invalid("version", form.CodeRequired, in.Lang)
	}
	old, err := s.load(ctx, number)
	if err != nil {
		return nil, err
	}
	if version != old.Version {
		return nil, fmt.Errorf("asset %s is at version %d, not %d: %w", number, old.Version, version, fault.Conflict)
	}
	if in.Class != "" && in.Class != old.Class {
		return nil, invalid("class", CodeClassFixed, in.Lang)
	}
	cat := s.catalog()
	c, err := s.class(cat, old.Class, "class", in.Lang)
	if err != nil {
		return nil, err
	}
	next, errs, err := s.build(ctx, cat, c, old, in, s.resolveStored, nil)
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, fault.Fields(errs...)
	}
	var still []Head
	if retired := RetiredStatus(c); next.Status == retired && old.Status != retired {
		refs, refuse, err := s.referrers(ctx, cat, old.Number, nil)
		if err != nil {
			return nil, err
		}
		if refuse {
			return nil, invalid("status", CodeStillReferenced, in.Lang)
		}
		still = refs
	}
	a, err := s.commit(ctx, actor, old, next, kind)
	if err != nil {
		return nil, err
	}
	if len(still) > 0 {
		cp := *a
		cp.StillReferenced = still
		a = &cp
	}
	return a, nil
}

// commit writes next over old with one history entry, unless nothing
// changed.
func (s *Service) commit(ctx context.Context, actor *auth.Principal, old, next *Asset, kind string) (*Asset, error) {
	changes := diff(old, next)
	if len(changes) == 0 {
		return old, nil
	}
	now := s.stamp()
	entry := Change{At: now, Actor: actorName(actor), Type: kind, Fields: changes}
	set := map[string]any{
		"name": next.Name, "status": next.Status, "data": next.Data, "relations": next.Relations,
		"targets": next.Targets, "updated": now, "updated_by": actorName(actor),
	}
	v, err := s.store.Update(ctx, AssetsCollection, old.Number, old.Version, map[string]any{"$set": set, "$push": map[string]any{"history": entry}})
	switch {
	case errors.Is(err, store.ErrConflict):
		return nil, fmt.Errorf("asset %s: %w", old.Number, fault.Conflict)
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("asset %s: %w", old.Number, fault.NotFound)
	case err != nil:
		return nil, fmt.Errorf("asset: update %s: %w", old.Number, err)
	}
	next.Version = v
	next.Updated, next.UpdatedBy = now, actorName(actor)
	next.History = append(append([]Change(nil), old.History...), entry)
	s.indexed(next)
	return next, nil
}

// indexed records a written asset in the in-memory index.
func (s *Service) indexed(a *Asset) {
	if s.mem != nil {
		s.mem.put(a)
	}
}
