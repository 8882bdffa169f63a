package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// Throttle says how failed logins slow down the next attempts of one
// counter (an address, an account, an account from one address). Each
// failure fills the counter by one and every Leak one failure is forgotten;
// while the counter holds no more than Free failures, attempts go on at
// once; beyond that each failure makes the next attempt wait, Base after
// the first such failure and twice as long after each further one, at most
// Max. Nothing is ever locked for good: the wait is served, or forgotten.
type Throttle struct {
	Free int
	Leak time.Duration
	Base time.Duration
	Max  time.Duration
}

// Default throttles (OWASP, Authentication Cheat Sheet: throttle rather
// than lock, so that nobody can lock another person out).
var (
	// DefaultAccountClientThrottle counts one account's failures from one
	// client address: five mistakes pass at once, then waits of 1 s, 2 s,
	// 4 s … up to 15 min. At the longest wait an attacker at one address
	// gets about four guesses an hour. A successful login from the address
	// clears it.
	DefaultAccountClientThrottle = Throttle{Free: 5, Leak: 15 * time.Minute, Base: time.Second, Max: 15 * time.Minute}
	// DefaultAccountThrottle counts the addresses that fail for one
	// account, against guessing from many addresses: a failure counts here
	// only when its address has no failures of its own for the account (one
	// address alone is held by DefaultAccountClientThrottle). Beyond ten
	// such addresses every address the account has not signed in from
	// within KnownClientFor waits. It never slows down the account's own
	// known addresses, so whoever attacks an account cannot keep its owner
	// out.
	DefaultAccountThrottle = Throttle{Free: 10, Leak: 15 * time.Minute, Base: time.Second, Max: 15 * time.Minute}
	// DefaultClientThrottle counts all failures from one address, whatever
	// the name, against trying one password on many accounts. Successful
	// logins do not count, so an office behind one address is slowed only
	// by more than 20 mistakes at once or 20 an hour.
	DefaultClientThrottle = Throttle{Free: 20, Leak: 3 * time.Minute, Base: time.Second, Max: 15 * time.Minute}
	// DefaultKnownClientFor is how long a successful login makes its
	// address one the account's throttle leaves alone.
	DefaultKnownClientFor = 30 * 24 * time.Hour
)

// CodeLoginThrottled is the code of a login refused while a wait is due.
const CodeLoginThrottled = "login_throttled"

// ErrThrottled reports that a login was refused without a password check
// because recent failures ask for a wait; it is of kind fault.TooMany.
// Errors wrapping it are *ThrottledError values that say until when.
// Unknown user names are throttled the same way, so it reveals nothing
// about which names exist.
var ErrThrottled = fault.Coded(fault.TooMany, CodeLoginThrottled, "auth: too many failed logins: wait")

// ThrottledError is returned by Login while a wait is due.
type ThrottledError struct {
	Until time.Time
}

// Error says until when.
func (e *ThrottledError) Error() string {
	return "auth: too many failed logins: no attempt before " + e.Until.Format(time.RFC3339)
}

// Unwrap makes it ErrThrottled, of kind fault.TooMany.
func (e *ThrottledError) Unwrap() error { return ErrThrottled }

// RetryAt is when a login may be tried again.
func (e *ThrottledError) RetryAt() time.Time { return e.Until }

// failureDoc is one failure counter in the login_failures collection. Its
// _id names what it counts: "client:ADDR", "account:NAME" or
// "account:NAME|ADDR".
type failureDoc struct {
	ID string `bson:"_id"`
	// Level is the number of failures not yet forgotten, at At.
	Level float64   `bson:"level"`
	At    time.Time `bson:"at"`
	// Until is the earliest next attempt; zero when none has to wait.
	Until time.Time `bson:"until"`
	// KnownUntil (account from one address only) is set by a successful
	// login: until then the account's throttle does not apply there.
	KnownUntil time.Time `bson:"known_until,omitempty"`
	// Expires is when the document stops mattering; Sweep deletes it after.
	Expires time.Time `bson:"expires"`
	Version int64     `bson:"version"`
}

// counter is one throttled counter of a login attempt.
type counter struct {
	id string
	t  Throttle
}

// attemptCounters are the counters of a login of name from client.
type attemptCounters struct {
	pair, account, client counter
}

func (s *Service) counters(name, client string) attemptCounters {
	return attemptCounters{
		pair:    counter{"account:" + name + "|" + client, s.cfg.AccountClientThrottle},
		account: counter{"account:" + name, s.cfg.AccountThrottle},
		client:  counter{"client:" + client, s.cfg.ClientThrottle},
	}
}

// level is the counter's level at now, after leaking.
func (t Throttle) level(d *failureDoc, now time.Time) float64 {
	if d == nil {
		return 0
	}
	return math.Max(0, d.Level-float64(now.Sub(d.At))/float64(t.Leak))
}

// wait returns how long to wait after a failure that brought the counter
// to level.
func (t Throttle) wait(level float64) time.Duration {
	over := math.Ceil(level - float64(t.Free) - 1e-9)
	if over < 1 {
		return 0
	}
	if over > 40 {
		return t.Max
	}
	return min(t.Base<<int(over-1), t.Max)
}

// standing is what the counters say about a client before its attempt.
type standing struct {
	// known: the account has signed in from the client lately.
	known bool
	// fresh: the client has (almost) no failures of its own for the
	// account, so a failure counts for the account too.
	fresh bool
}

// throttled checks the counters of a login attempt before any password
// is checked: it returns a *ThrottledError when one of them asks for a
// wait, and the client's standing with the account.
func (s *Service) throttled(ctx context.Context, c attemptCounters, now time.Time) (standing, error) {
	pair, err := s.failures(ctx, c.pair.id)
	if err != nil {
		return standing{}, err
	}
	st := standing{known: pair != nil && now.Before(pair.KnownUntil), fresh: c.pair.t.level(pair, now) < 0.5}
	docs := []*failureDoc{pair}
	for _, id := range []string{c.client.id, c.account.id} {
		if id == c.account.id && st.known {
			continue
		}
		d, err := s.failures(ctx, id)
		if err != nil {
			return st, err
		}
		docs = append(docs, d)
	}
	var until time.Time
	for _, d := range docs {
		if d != nil && now.Before(d.Until) && d.Until.After(until) {
			until = d.Until
		}
	}
	if !until.IsZero() {
		return st, &ThrottledError{Until: until}
	}
	return st, nil
}

// recordFailures counts a failed login on its counters: the account's only
// for a fresh client the account has not signed in from.
func (s *Service) recordFailures(ctx context.Context, c attemptCounters, st standing, now time.Time) error {
	list := []counter{c.pair, c.client}
	if !st.known && st.fresh {
		list = append(list, c.account)
	}
	var errs []error
	for _, ct := range list {
		errs = append(errs, s.change(ctx, ct.id, func(d failureDoc) failureDoc { return fail(ct.t, d, now) }))
	}
	return errors.Join(errs...)
}

// fail returns d after one more failure at now.
func fail(t Throttle, d failureDoc, now time.Time) failureDoc {
	d.Level = t.level(&d, now) + 1
	d.At = now
	d.Until = time.Time{}
	if w := t.wait(d.Level); w > 0 {
		d.Until = now.Add(w)
	}
	d.Expires = expiry(t, d)
	return d
}

// expiry is when the counter has forgotten every failure and serves no
// wait, and its client is no longer known.
func expiry(t Throttle, d failureDoc) time.Time {
	e := d.At.Add(time.Duration(math.Ceil(d.Level)) * t.Leak)
	for _, x := range []time.Time{d.Until, d.KnownUntil} {
		if x.After(e) {
			e = x
		}
	}
	return e
}

// recordSuccess clears the account's counter of the client and makes the
// client known to the account. The client's own counter is left alone:
// a successful login neither counts against an address nor excuses the
// failures made from it.
func (s *Service) recordSuccess(ctx context.Context, c attemptCounters, now time.Time) error {
	return s.change(ctx, c.pair.id, func(d failureDoc) failureDoc {
		d.Level, d.At, d.Until = 0, now, time.Time{}
		d.KnownUntil = now.Add(s.cfg.KnownClientFor)
		d.Expires = d.KnownUntil
		return d
	})
}

// UnlockLogin forgets the failed logins of the user name from addresses it
// has not signed in from (for the service desk, after checking who is
// calling). Waits of single addresses run out by themselves.
func (s *Service) UnlockLogin(ctx context.Context, name string) error {
	return s.deleteByID(ctx, LoginFailuresCollection, "account:"+NormalizeName(name))
}

// failures reads the counter with the id; nil if there is none.
func (s *Service) failures(ctx context.Context, id string) (*failureDoc, error) {
	var d failureDoc
	err := s.db.Get(ctx, LoginFailuresCollection, id, &d)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: login counter %s: %w", id, err)
	}
	return &d, nil
}

// change applies next to the counter with the id. Concurrent changes are
// all applied: the first one inserts the counter (a unique _id), every
// later one is a compare-and-set on its version that re-reads and retries
// when another change got in first.
func (s *Service) change(ctx context.Context, id string, next func(failureDoc) failureDoc) error {
	for range maxCASAttempts {
		cur, err := s.failures(ctx, id)
		if err != nil {
			return err
		}
		if cur == nil {
			d := next(failureDoc{ID: id})
			d.Version = 1
			err = s.db.Insert(ctx, LoginFailuresCollection, d)
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			if err != nil {
				return fmt.Errorf("auth: login counter %s: %w", id, err)
			}
			return nil
		}
		d := next(*cur)
		_, err = s.db.Update(ctx, LoginFailuresCollection, id, cur.Version, map[string]any{"$set": map[string]any{
			"level": d.Level, "at": d.At, "until": d.Until, "known_until": d.KnownUntil, "expires": d.Expires,
		}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			continue // changed by someone else meanwhile, or swept: look again
		}
		if err != nil {
			return fmt.Errorf("auth: login counter %s: %w", id, err)
		}
		return nil
	}
	return fmt.Errorf("auth: login counter %s: %w: gave up after %d attempts", id, fault.Conflict, maxCASAttempts)
}
