package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"vorgang/core/store"
)

// sessionDoc is one login, in the sessions collection. Its _id is the
// SHA-256 of the token the client holds; the token itself is never stored.
type sessionDoc struct {
	ID    string `bson:"_id"`
	User  string `bson:"user"`
	Epoch int64  `bson:"epoch"` // the user's session_epoch at login
	// Created is the login time; Expires = Created + SessionLifetime.
	Created time.Time `bson:"created"`
	Expires time.Time `bson:"expires"`
	// LastSeen is the last recorded use (written at most once per
	// TouchInterval); ValidUntil = min(Expires, LastSeen + SessionIdle).
	LastSeen   time.Time `bson:"last_seen"`
	ValidUntil time.Time `bson:"valid_until"`
	Version    int64     `bson:"version"`
}

// Session is a new login.
type Session struct {
	// Token is the secret the client presents to Authenticate (e.g. in a
	// cookie): 32 random bytes in unpadded base64url. It is returned only
	// here; the database keeps only its SHA-256.
	Token string
	User  string
	// Created is the login time. Expires is the end of the session's
	// absolute lifetime; it ends earlier when idle for SessionIdle.
	Created time.Time
	Expires time.Time
}

// Login checks name and password of a login from client (the caller's
// address, as core/web keys it; any stable string) and starts a session.
//
// For an unknown user, a user without a password and a wrong password it
// returns ErrInvalidCredentials, and does the same work (one argon2id
// verification, the same failure counts) in each case, so neither the
// error nor the time tells whether the user exists. A right password for a
// disabled user gets ErrUserDisabled.
//
// Failures are counted per account and client, per account (from clients
// it has not signed in from) and per client (see Throttle); while one of
// them asks for a wait, Login answers a *ThrottledError (ErrThrottled)
// without a password check. A successful login clears the account's count
// for the client and makes the client known to the account; it does not
// count against the client. If the stored hash was made with other
// argon2id parameters than the configured ones, a successful login stores
// a new hash of the password.
//
// A local user with two-factor sign-in on gets no session from the
// password alone: Login answers a *SecondFactorError (ErrOTPRequired)
// holding a pending login, which CompleteLogin finishes with the code.
func (s *Service) Login(ctx context.Context, name, password, client string) (*Session, error) {
	return s.login(ctx, name, password, client, secondFactor{})
}

func (s *Service) login(ctx context.Context, name, password, client string, sf secondFactor) (*Session, error) {
	typed := strings.TrimSpace(name)
	name = NormalizeName(name)
	now := s.now()
	directory := s.cfg.Directory != nil && s.cfg.Directory.Configured()
	if directory && !ValidName(name) && len(name) <= maxDirectoryLogin && len(password) <= maxPasswordBytes {
		// A DN or user@domain: only the directory knows it.
		return s.directoryLogin(ctx, typed, name, password, client, now, false, sf)
	}
	if !ValidName(name) || len(password) > maxPasswordBytes {
		// Not worth a counter document, but worth the same time.
		if _, err := s.verify(ctx, "", password); err != nil {
			return nil, fmt.Errorf("auth: login: %w", err)
		}
		return nil, ErrInvalidCredentials
	}

	counters := s.counters(name, client)
	standing, err := s.throttled(ctx, counters, now)
	if err != nil {
		if errors.Is(err, ErrThrottled) {
			return nil, err
		}
		return nil, fmt.Errorf("auth: login %s: %w", name, err)
	}

	var u User
	err = s.db.Get(ctx, UsersCollection, name, &u)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("auth: login %s: %w", name, err)
	}
	exists := err == nil
	if directory && (!exists || u.PasswordHash == "" || u.Source == SourceDirectory) {
		return s.directoryLogin(ctx, typed, name, password, client, now, false, sf)
	}
	ok, err := s.verify(ctx, u.PasswordHash, password) // "" for an unknown user
	if err != nil {
		return nil, fmt.Errorf("auth: login %s: %w", name, err)
	}
	if !ok && directory && !slices.Contains(u.Roles, RoleAdmin) {
		// A local account the directory may take over: the person now
		// signs in with the directory's password. Never a local
		// administrator: whoever holds the name in the directory would
		// otherwise remove the way in that works when it is down.
		return s.directoryLogin(ctx, typed, name, password, client, now, true, sf)
	}
	if !ok || !exists {
		if err := s.recordFailures(ctx, counters, standing, now); err != nil {
			// The login fails anyway; a lost count must not turn into a
			// different answer.
			s.log.WarnContext(ctx, "could not count a failed login", slog.String("user", name), slog.Any("error", err))
		}
		return nil, ErrInvalidCredentials
	}
	if u.Disabled {
		return nil, fmt.Errorf("auth: login %s: %w", name, ErrUserDisabled)
	}

	if !s.cfg.Password.Matches(u.PasswordHash) {
		s.rehash(ctx, &u, password)
	}
	return s.passwordAccepted(ctx, &u, counters, standing, now, sf)
}

// rehash stores a hash of password made with the current parameters. It
// gives up quietly if the user changed meanwhile: the next login tries
// again.
func (s *Service) rehash(ctx context.Context, u *User, password string) {
	h, err := s.hash(ctx, password)
	if err == nil {
		_, err = s.db.Update(ctx, UsersCollection, u.Name, u.Version, map[string]any{"$set": map[string]any{"password_hash": h}})
	}
	switch {
	case err == nil:
		s.log.InfoContext(ctx, "password hash upgraded to the current parameters", slog.String("user", u.Name))
	case errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound):
	default:
		s.log.WarnContext(ctx, "could not upgrade a password hash", slog.String("user", u.Name), slog.Any("error", err))
	}
}

// startSession stores a new session for u.
func (s *Service) startSession(ctx context.Context, u *User, now time.Time) (*Session, error) {
	token, err := newSecret()
	if err != nil {
		return nil, err
	}
	d := sessionDoc{
		ID:       secretID(token),
		User:     u.Name,
		Epoch:    u.SessionEpoch,
		Created:  now,
		Expires:  now.Add(s.cfg.SessionLifetime),
		LastSeen: now,
		Version:  1,
	}
	d.ValidUntil = s.validUntil(d.Expires, now)
	if err := s.db.Insert(ctx, SessionsCollection, d); err != nil {
		return nil, fmt.Errorf("auth: start session for %s: %w", u.Name, err)
	}
	return &Session{Token: token, User: u.Name, Created: now, Expires: d.Expires}, nil
}

func (s *Service) validUntil(expires, lastSeen time.Time) time.Time {
	idle := lastSeen.Add(s.cfg.SessionIdle)
	if idle.Before(expires) {
		return idle
	}
	return expires
}

// Authenticate returns the principal of the session token. It returns an
// error wrapping ErrUnauthenticated if the session is unknown, expired
// (idle for SessionIdle, or older than SessionLifetime), revoked, or its
// user is gone or disabled; such a session is deleted on the spot.
//
// The session's last use is written at most once per TouchInterval.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if !wellFormedSecret(token) {
		return nil, fmt.Errorf("%w: malformed session token", ErrUnauthenticated)
	}
	id := secretID(token)
	var d sessionDoc
	if err := s.db.Get(ctx, SessionsCollection, id, &d); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: unknown session", ErrUnauthenticated)
		}
		return nil, fmt.Errorf("auth: authenticate: %w", err)
	}
	now := s.now()
	if !now.Before(d.ValidUntil) {
		return nil, s.endSession(ctx, id, "session expired")
	}
	var u User
	if err := s.db.Get(ctx, UsersCollection, d.User, &u); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, s.endSession(ctx, id, "user no longer exists")
		}
		return nil, fmt.Errorf("auth: authenticate: %w", err)
	}
	switch {
	case u.Disabled:
		return nil, s.endSession(ctx, id, "user is disabled")
	case u.SessionEpoch != d.Epoch:
		return nil, s.endSession(ctx, id, "session revoked")
	}
	if now.Sub(d.LastSeen) >= s.cfg.TouchInterval {
		_, err := s.db.Update(ctx, SessionsCollection, id, d.Version, map[string]any{"$set": map[string]any{
			"last_seen": now, "valid_until": s.validUntil(d.Expires, now),
		}})
		if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			// The session is valid; only its idle clock was not moved on.
			s.log.WarnContext(ctx, "could not record session use", slog.String("user", u.Name), slog.Any("error", err))
		}
	}
	return s.principal(ctx, &u), nil
}

// endSession deletes an invalid session and returns the error to report.
func (s *Service) endSession(ctx context.Context, id, why string) error {
	if err := s.deleteByID(ctx, SessionsCollection, id); err != nil {
		s.log.WarnContext(ctx, "could not delete an invalid session", slog.Any("error", err))
	}
	return fmt.Errorf("%w: %s", ErrUnauthenticated, why)
}

// Logout ends the session of the token. An unknown or malformed token is
// not an error: the session is gone either way.
func (s *Service) Logout(ctx context.Context, token string) error {
	if !wellFormedSecret(token) {
		return nil
	}
	if err := s.deleteByID(ctx, SessionsCollection, secretID(token)); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}
