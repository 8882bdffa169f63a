package knowledge

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"vorgang/core/auth"
	"vorgang/core/store"
)

// casTries bounds the retries of a counter against concurrent counts.
const casTries = 20

// RecordUsed counts that actor put a link to the article into a reply. The
// actor must read the article.
func (s *Service) RecordUsed(ctx context.Context, actor *auth.Principal, number string) error {
	if _, err := s.Get(ctx, actor, number); err != nil {
		return err
	}
	return s.count(ctx, number, "used", s.now(), 1)
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

// StatsOf returns the counts of the articles, by number (those never
// counted are missing): one read for a list.
func (s *Service) StatsOf(ctx context.Context, numbers []string) (map[string]Stats, error) {
	if len(numbers) == 0 {
		return map[string]Stats{}, nil
	}
	var got []Stats
	if err := s.store.GetMany(ctx, StatsCollection, numbers, &got); err != nil {
		return nil, fmt.Errorf("stats of articles: %w", err)
	}
	out := make(map[string]Stats, len(got))
	for _, st := range got {
		out[st.Number] = st
	}
	return out, nil
}

// count adds n to a counter of the article's stats, in all and in the
// month of at: a compare-and-set retried while other counts overtake it.
func (s *Service) count(ctx context.Context, number, field string, at time.Time, n int64) error {
	month := at.UTC().Format("2006-01")
	for range casTries {
		st, err := s.Stats(ctx, number)
		if err != nil {
			return err
		}
		months := maps.Clone(st.Months)
		if months == nil {
			months = map[string]Counts{}
		}
		mc := months[month]
		*counter(&mc, field) += n
		months[month] = mc
		if st.Version == 0 {
			st.Version = 1
			*counter(&st.Counts, field) = n
			st.Months = months
			err = s.store.Insert(ctx, StatsCollection, &st)
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			if err != nil {
				return fmt.Errorf("count %s of article %s: %w", field, number, err)
			}
			return nil
		}
		value := *counter(&st.Counts, field)
		_, err = s.store.Update(ctx, StatsCollection, number, st.Version, map[string]any{"$set": map[string]any{field: value + n, "months": months}})
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

// counter is the field of c a count goes to.
func counter(c *Counts, field string) *int64 {
	switch field {
	case "used":
		return &c.Used
	case "submitted":
		return &c.Submitted
	case "left":
		return &c.Left
	}
	return &c.Shown
}
