package knowledge

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/store"
)

// casTries bounds the retries of a counter against concurrent counts.
const casTries = 20

// RecordShown counts that the articles were offered to a citizen beside a
// request form.
func (s *Service) RecordShown(ctx context.Context, numbers []string) error {
	for _, n := range numbers {
		if err := s.count(ctx, n, "shown"); err != nil {
			return err
		}
	}
	return nil
}

// RecordSubmitted counts that a request form was sent after the articles
// had been offered beside it. Numbers that are no public article are
// ignored: the list comes from the citizen's browser.
func (s *Service) RecordSubmitted(ctx context.Context, numbers []string) error {
	for _, n := range numbers {
		if _, err := s.Get(ctx, nil, n); err != nil {
			continue
		}
		if err := s.count(ctx, n, "submitted"); err != nil {
			return err
		}
	}
	return nil
}

// RecordUsed counts that actor put a link to the article into a reply. The
// actor must read the article.
func (s *Service) RecordUsed(ctx context.Context, actor *auth.Principal, number string) error {
	if _, err := s.Get(ctx, actor, number); err != nil {
		return err
	}
	return s.count(ctx, number, "used")
}

// Stats returns the counts of the article (zero when never counted).
func (s *Service) Stats(ctx context.Context, number string) (Stats, error) {
	st := Stats{Number: number}
	err := s.store.Get(ctx, StatsCollection, number, &st)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return st, fmt.Errorf("stats of article %s: %w", number, err)
	}
	return st, nil
}

// count adds one to a counter of the article's stats: a compare-and-set
// retried while other counts overtake it.
func (s *Service) count(ctx context.Context, number, field string) error {
	for range casTries {
		st, err := s.Stats(ctx, number)
		if err != nil {
			return err
		}
		if st.Version == 0 {
			st.Version = 1
			*counter(&st, field) = 1
			err = s.store.Insert(ctx, StatsCollection, &st)
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			if err != nil {
				return fmt.Errorf("count %s of article %s: %w", field, number, err)
			}
			return nil
		}
		value := *counter(&st, field)
		_, err = s.store.Update(ctx, StatsCollection, number, st.Version, map[string]any{"$set": map[string]any{field: value + 1}})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("count %s of article %s: %w", field, number, err)
		}
		return nil
	}
	return fmt.Errorf("count %s of article %s: too many concurrent counts", field, number)
}

// counter is the field of st a count goes to.
func counter(st *Stats, field string) *int64 {
	switch field {
	case "used":
		return &st.Used
	case "submitted":
		return &st.Submitted
	}
	return &st.Shown
}
