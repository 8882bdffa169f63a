package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/store"
)

// failureDoc counts failed logins for one user name, existing or not, in
// the login_failures collection.
type failureDoc struct {
	Name string `bson:"_id"`
	// Count failures since WindowStart.
	Count       int       `bson:"count"`
	WindowStart time.Time `bson:"window_start"`
	// LockedUntil is set when Count reaches MaxFailures; zero otherwise.
	LockedUntil time.Time `bson:"locked_until"`
	// Expires is when the document stops mattering (end of window or
	// lock); Sweep deletes it after.
	Expires time.Time `bson:"expires"`
	Version int64     `bson:"version"`
}

// LoginFailures is the failed-login state of a user name.
type LoginFailures struct {
	Count       int
	WindowStart time.Time
	// LockedUntil is zero unless logins are locked (or were, until then).
	LockedUntil time.Time
}

// Locked reports whether logins are locked at now.
func (f LoginFailures) Locked(now time.Time) bool { return now.Before(f.LockedUntil) }

// LoginFailures returns the failed-login state of the user name; the zero
// value when there have been no recent failures.
func (s *Service) LoginFailures(ctx context.Context, name string) (LoginFailures, error) {
	d, err := s.failures(ctx, NormalizeName(name))
	if err != nil || d == nil {
		return LoginFailures{}, err
	}
	return LoginFailures{Count: d.Count, WindowStart: d.WindowStart, LockedUntil: d.LockedUntil}, nil
}

// UnlockLogin forgets the failed logins of the user name, ending a lock
// (for the service desk, after checking who is calling).
func (s *Service) UnlockLogin(ctx context.Context, name string) error {
	return s.deleteByID(ctx, LoginFailuresCollection, NormalizeName(name))
}

// failures reads the counter of name; nil if there is none.
func (s *Service) failures(ctx context.Context, name string) (*failureDoc, error) {
	var d failureDoc
	err := s.db.Get(ctx, LoginFailuresCollection, name, &d)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: login failures of %s: %w", name, err)
	}
	return &d, nil
}

// recordFailure counts one failed login for name. Concurrent failures are
// all counted: the first one inserts the counter (a unique _id), every
// later one is a compare-and-set on its version that re-reads and retries
// when another failure got in first.
func (s *Service) recordFailure(ctx context.Context, name string, now time.Time) error {
	for range maxCASAttempts {
		cur, err := s.failures(ctx, name)
		if err != nil {
			return err
		}
		if cur == nil {
			d := s.nextFailure(failureDoc{Name: name}, now)
			d.Version = 1
			err = s.db.Insert(ctx, LoginFailuresCollection, d)
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			if err != nil {
				return fmt.Errorf("auth: record login failure of %s: %w", name, err)
			}
			return nil
		}
		d := s.nextFailure(*cur, now)
		_, err = s.db.Update(ctx, LoginFailuresCollection, name, cur.Version, bson.M{"$set": bson.M{
			"count": d.Count, "window_start": d.WindowStart, "locked_until": d.LockedUntil, "expires": d.Expires,
		}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			continue // counted by someone else meanwhile, or reset: look again
		}
		if err != nil {
			return fmt.Errorf("auth: record login failure of %s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("auth: record login failure of %s: %w: gave up after %d attempts", name, ErrConflict, maxCASAttempts)
}

// nextFailure returns d after one more failure at now. A counter starts
// afresh when its window has passed or its lock has been served; the lock
// is set once, by the failure that reaches MaxFailures, and failures that
// raced past the lock check still count but do not extend it.
func (s *Service) nextFailure(d failureDoc, now time.Time) failureDoc {
	served := !d.LockedUntil.IsZero() && !now.Before(d.LockedUntil)
	if d.Count == 0 || served || now.Sub(d.WindowStart) >= s.cfg.FailureWindow {
		d.Count, d.WindowStart, d.LockedUntil = 0, now, time.Time{}
	}
	d.Count++
	if d.Count >= s.cfg.MaxFailures && d.LockedUntil.IsZero() {
		d.LockedUntil = now.Add(s.cfg.LockDuration)
	}
	d.Expires = d.WindowStart.Add(s.cfg.FailureWindow)
	if d.LockedUntil.After(d.Expires) {
		d.Expires = d.LockedUntil
	}
	return d
}
