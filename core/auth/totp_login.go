package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// PendingLoginsCollection holds the logins whose password was right and
// whose second factor is still to come, by the SHA-256 of the token the
// browser holds meanwhile. Such a state is no session: it opens nothing
// but the code form, once, for a few minutes.
const PendingLoginsCollection = "pending_logins"

const shapeExpiredPendingLogins = "pending_logins.expired"

const (
	// PendingLoginFor is how long the code may be entered after the
	// password.
	PendingLoginFor = 5 * time.Minute
	// maxPendingAttempts ends a pending login after this many wrong codes;
	// the throttle counts them too, but a pending login is a password
	// proven once and should not last for an unbounded number of guesses.
	maxPendingAttempts = 5
	// recoveryCodes is how many recovery codes a user gets.
	recoveryCodes = 10
)

// CodeLoginExpired is the code of a second step whose pending login is
// unknown, used, expired or worn out by wrong codes.
const CodeLoginExpired = "login_expired"

// ErrLoginExpired reports that the pending login of a second step is
// gone: the person signs in again from the start. It is of kind
// fault.Unauthenticated.
var ErrLoginExpired = fault.Coded(fault.Unauthenticated, CodeLoginExpired, "auth: the sign-in has expired; start again")

// SecondFactorError is Login's answer to a right password of a user who
// signs in with a second factor: no session yet, but a pending login whose
// token CompleteLogin takes with the code. It wraps ErrOTPRequired.
type SecondFactorError struct {
	User    string
	Pending string
	Expires time.Time
}

func (e *SecondFactorError) Error() string {
	return "auth: login " + e.User + ": password accepted, one-time code required"
}

// Unwrap makes it ErrOTPRequired.
func (e *SecondFactorError) Unwrap() error { return ErrOTPRequired }

// pendingLoginDoc is one pending login.
type pendingLoginDoc struct {
	ID       string    `bson:"_id"`
	User     string    `bson:"user"`
	Epoch    int64     `bson:"epoch"`
	Expires  time.Time `bson:"expires"`
	Attempts int       `bson:"attempts"`
	Version  int64     `bson:"version"`
}

// secondFactor is how a login goes on once the password is right.
type secondFactor struct {
	// given: the caller sent a code in the same request (the JSON API);
	// else a pending login is started for a second request.
	given bool
	code  string
}

// LoginWithOTP is Login with the one-time code in the same request, for
// clients of the JSON API: a user who signs in with a second factor and
// sends no code gets ErrOTPRequired, a wrong or reused code ErrInvalidOTP
// (counted like a wrong password). Users without a second factor ignore
// otp.
func (s *Service) LoginWithOTP(ctx context.Context, name, password, otp, client string) (*Session, error) {
	return s.login(ctx, name, password, client, secondFactor{given: true, code: otp})
}

// passwordAccepted finishes a login whose password was right: a user with
// two-factor sign-in on is asked for the code (a pending login, or the
// code that came along), everyone else gets a session. The account's
// failure count is cleared only once the whole login succeeded, so a
// known password does not reset the count of wrong codes.
func (s *Service) passwordAccepted(ctx context.Context, u *User, counters attemptCounters, st standing, now time.Time, sf secondFactor) (*Session, error) {
	d, err := s.twoFactorDoc(ctx, u.Name)
	if err != nil {
		return nil, fmt.Errorf("auth: login %s: %w", u.Name, err)
	}
	if d.on() {
		if !sf.given {
			return nil, s.startPendingLogin(ctx, u, now)
		}
		if sf.code == "" {
			return nil, fmt.Errorf("auth: login %s: %w", u.Name, ErrOTPRequired)
		}
		ok, err := s.checkSecondFactor(ctx, u.Name, sf.code)
		if err != nil {
			return nil, fmt.Errorf("auth: login %s: %w", u.Name, err)
		}
		if !ok {
			s.countFailure(ctx, u.Name, counters, st, now)
			return nil, fmt.Errorf("auth: login %s: %w", u.Name, ErrInvalidOTP)
		}
	}
	if err := s.recordSuccess(ctx, counters, now); err != nil {
		s.log.WarnContext(ctx, "could not record a successful login", slog.String("user", u.Name), slog.Any("error", err))
	}
	return s.startSession(ctx, u, now)
}

// countFailure records a failed login; a lost count must not change the
// answer.
func (s *Service) countFailure(ctx context.Context, name string, c attemptCounters, st standing, now time.Time) {
	if err := s.recordFailures(ctx, c, st, now); err != nil {
		s.log.WarnContext(ctx, "could not count a failed login", slog.String("user", name), slog.Any("error", err))
	}
}

// startPendingLogin stores a pending login for u and returns the
// *SecondFactorError that hands its token over.
func (s *Service) startPendingLogin(ctx context.Context, u *User, now time.Time) error {
	token, err := newSecret()
	if err != nil {
		return err
	}
	d := pendingLoginDoc{ID: secretID(token), User: u.Name, Epoch: u.SessionEpoch, Expires: now.Add(PendingLoginFor), Version: 1}
	if err := s.db.Insert(ctx, PendingLoginsCollection, d); err != nil {
		return fmt.Errorf("auth: login %s: pending login: %w", u.Name, err)
	}
	return &SecondFactorError{User: u.Name, Pending: token, Expires: d.Expires}
}

// CompleteLogin is the second step of a login Login answered with a
// *SecondFactorError: pending is its token, code a current TOTP code or
// an unused recovery code, client the caller's address. A wrong code is
// ErrInvalidOTP and counts like a wrong password (see Throttle); while a
// wait is due it answers a *ThrottledError without checking the code. An
// unknown, used or expired pending login, one of a user disabled or whose
// sessions were revoked since, and one after too many wrong codes is
// ErrLoginExpired. The pending login is used up by the first right code.
func (s *Service) CompleteLogin(ctx context.Context, pending, code, client string) (*Session, error) {
	if !wellFormedSecret(pending) {
		return nil, ErrLoginExpired
	}
	id := secretID(pending)
	var d pendingLoginDoc
	err := s.db.Get(ctx, PendingLoginsCollection, id, &d)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrLoginExpired
	}
	if err != nil {
		return nil, fmt.Errorf("auth: complete login: %w", err)
	}
	now := s.now()
	if !now.Before(d.Expires) || d.Attempts >= maxPendingAttempts {
		s.dropPendingLogin(ctx, id)
		return nil, ErrLoginExpired
	}
	counters := s.counters(d.User, client)
	st, err := s.throttled(ctx, counters, now)
	if err != nil {
		if errors.Is(err, ErrThrottled) {
			return nil, err
		}
		return nil, fmt.Errorf("auth: complete login %s: %w", d.User, err)
	}
	u, err := s.User(ctx, d.User)
	if err != nil || u.Disabled || u.SessionEpoch != d.Epoch {
		s.dropPendingLogin(ctx, id)
		if err != nil && !errors.Is(err, ErrUserNotFound) {
			return nil, fmt.Errorf("auth: complete login %s: %w", d.User, err)
		}
		return nil, ErrLoginExpired
	}
	if normalizeCode(code) == "" {
		return nil, fmt.Errorf("auth: complete login %s: %w", u.Name, ErrOTPRequired)
	}
	ok, err := s.checkSecondFactor(ctx, u.Name, code)
	if err != nil {
		return nil, fmt.Errorf("auth: complete login %s: %w", u.Name, err)
	}
	if !ok {
		s.countFailure(ctx, u.Name, counters, st, now)
		_, err := s.db.Update(ctx, PendingLoginsCollection, id, d.Version, map[string]any{"$set": map[string]any{"attempts": d.Attempts + 1}})
		if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "could not count a wrong code on a pending login", slog.String("user", u.Name), slog.Any("error", err))
		}
		return nil, fmt.Errorf("auth: complete login %s: %w", u.Name, ErrInvalidOTP)
	}
	// Single use: of two requests with right codes, only the one that
	// moves the version on gets a session.
	if _, err := s.db.Update(ctx, PendingLoginsCollection, id, d.Version, map[string]any{"$set": map[string]any{"attempts": maxPendingAttempts}}); err != nil {
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			return nil, ErrLoginExpired
		}
		return nil, fmt.Errorf("auth: complete login %s: %w", u.Name, err)
	}
	s.dropPendingLogin(ctx, id)
	if err := s.recordSuccess(ctx, counters, now); err != nil {
		s.log.WarnContext(ctx, "could not record a successful login", slog.String("user", u.Name), slog.Any("error", err))
	}
	return s.startSession(ctx, u, now)
}

func (s *Service) dropPendingLogin(ctx context.Context, id string) {
	if err := s.deleteByID(ctx, PendingLoginsCollection, id); err != nil {
		s.log.WarnContext(ctx, "could not delete a pending login", slog.Any("error", err))
	}
}

// newRecoveryCodes returns recovery codes to show and their hashes to
// store. Each holds 80 random bits (16 base32 characters in groups of
// four), so a fast hash keeps a database copy from revealing them, as for
// session tokens.
func newRecoveryCodes() (codes, hashes []string, err error) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for range recoveryCodes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, fmt.Errorf("auth: random: %w", err)
		}
		raw := normalizeCode(enc.EncodeToString(b))
		codes = append(codes, raw[0:4]+"-"+raw[4:8]+"-"+raw[8:12]+"-"+raw[12:16])
		hashes = append(hashes, recoveryHash(raw))
	}
	return codes, hashes, nil
}

// recoveryHash is the stored form of a normalised recovery code.
func recoveryHash(code string) string {
	sum := sha256.Sum256([]byte("recovery:" + code))
	return hex.EncodeToString(sum[:])
}
