package auth

import (
	"context"
	"errors"
	"fmt"
)

// What signed-in staff do with their own account: change their password
// and see and revoke their API tokens. Each change is recorded in the
// admin audit log with the user as actor.

// ChangeOwnPassword sets the caller's password after checking the current
// one (a wrong one is a field error CodeWrongPassword on
// "current_password"; the new one is checked as by SetPassword, its field
// is "new_password"). All the user's sessions end; with newSession the
// caller gets a fresh one back, so the browser that made the change stays
// signed in. A directory user gets ErrDirectoryManaged.
//
// A wrong current password from client counts on the login throttle, as
// at sign-in: a session left open must not be a way to guess the password
// at leisure (while a wait is due it answers a *ThrottledError).
func (s *Service) ChangeOwnPassword(ctx context.Context, by *Principal, current, password, client string, newSession bool) (*Session, error) {
	if by == nil {
		return nil, ErrUnauthenticated
	}
	u, err := s.User(ctx, by.User)
	if err != nil {
		return nil, err
	}
	if u.External() {
		return nil, fmt.Errorf("auth: change password of %s: %w", u.Name, ErrDirectoryManaged)
	}
	now := s.now()
	counters := s.counters(u.Name, client)
	st, err := s.throttled(ctx, counters, now)
	if err != nil {
		if errors.Is(err, ErrThrottled) {
			return nil, err
		}
		return nil, fmt.Errorf("auth: change password of %s: %w", u.Name, err)
	}
	var fe fieldErrors
	ok := false
	if len(current) <= maxPasswordBytes {
		if ok, err = s.verify(ctx, u.PasswordHash, current); err != nil {
			return nil, fmt.Errorf("auth: change password of %s: %w", u.Name, err)
		}
	}
	if !ok {
		s.countFailure(ctx, u.Name, counters, st, now)
		fe.add("current_password", CodeWrongPassword, "is not your current password")
	}
	var pw fieldErrors
	s.checkPassword(&pw, u.Name, password)
	for _, e := range pw {
		e.Field = "new_password"
		fe = append(fe, e)
	}
	if err := fe.err(); err != nil {
		return nil, fmt.Errorf("auth: change password of %s: %w", u.Name, err)
	}
	if err := s.SetPassword(ctx, u.Name, password); err != nil {
		return nil, err
	}
	s.audit(ctx, by, AuditOwnPassword, u.Name, nil, "")
	if !newSession {
		return nil, nil
	}
	u, err = s.User(ctx, u.Name)
	if err != nil {
		return nil, err
	}
	return s.startSession(ctx, u, s.now())
}

// OwnTokens lists the caller's API tokens.
func (s *Service) OwnTokens(ctx context.Context, by *Principal) ([]Token, error) {
	if by == nil {
		return nil, ErrUnauthenticated
	}
	return s.ListTokens(ctx, by.User)
}

// RevokeOwnToken deletes one of the caller's API tokens; another user's
// token is ErrTokenNotFound.
func (s *Service) RevokeOwnToken(ctx context.Context, by *Principal, id string) error {
	if by == nil {
		return ErrUnauthenticated
	}
	return s.revokeAudited(ctx, by, by.User, id, AuditOwnTokenRevoked)
}

// MinPasswordLength is the shortest password the policy accepts, for
// saying so next to a password field.
func (s *Service) MinPasswordLength() int { return s.cfg.MinPasswordLength }
