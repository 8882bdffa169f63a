package asset

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/store"
)

// fillNumberKeys is the migration that makes inventory numbers unique
// regardless of case for assets stored before the number key existed: it
// sets the key of every asset in list that lacks one (store.SetDerived,
// which leaves the version alone). It is idempotent: assets with a key
// are skipped, and it runs at every start (Warm). Two older assets whose
// numbers differ only in case cannot both have the key; the second keeps
// none, is still found by its exact number, and is logged so that someone
// renumbers one of them.
func (s *Service) fillNumberKeys(ctx context.Context, list []*Asset) error {
	filled, clashes := 0, 0
	for _, a := range list {
		if a.Key != "" {
			continue
		}
		key := numberKey(a.Number)
		err := s.store.SetDerived(ctx, AssetsCollection, a.Number, map[string]any{"number_key": key})
		switch {
		case errors.Is(err, store.ErrDuplicate):
			clashes++
			s.log.WarnContext(ctx, "two assets have inventory numbers that differ only in case; renumber one of them", "asset", a.Number)
			continue
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return fmt.Errorf("asset: fill the number key of %s: %w", a.Number, err)
		}
		a.Key = key
		filled++
	}
	if filled+clashes > 0 {
		s.log.InfoContext(ctx, "inventory number keys filled in", "assets", filled, "clashes", clashes)
	}
	return nil
}

// migrateMongo fills the number keys on MongoDB, where Warm loads no
// index; once per service.
func (s *Service) migrateMongo(ctx context.Context) error {
	s.migrateMu.Lock()
	defer s.migrateMu.Unlock()
	if s.migrated {
		return nil
	}
	var all []*Asset
	if err := s.store.Find(ctx, AssetsCollection, store.Find{Shape: shapeHeads, Fields: []string{"number_key"}}, &all); err != nil {
		return fmt.Errorf("asset: read the number keys: %w", err)
	}
	if err := s.fillNumberKeys(ctx, all); err != nil {
		return err
	}
	s.migrated = true
	return nil
}
