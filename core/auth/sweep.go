package auth

import (
	"context"
	"fmt"
)

// SweepResult counts what Sweep deleted.
type SweepResult struct {
	Sessions      int64
	LoginFailures int64
	PendingLogins int64
	ResetLinks    int64
}

// Sweep deletes expired sessions, pending logins, password reset links and
// login failure counters whose window and lock have passed. Each is also handled when
// next used; Sweep removes those nobody comes back for (a browser that was
// closed, a name tried once, a code never entered), so the collections
// stay small.
//
// Unlike everything else in this package, Sweep filters on a field other
// than _id, which on the embedded store decodes each whole collection: run
// it from a scheduled job (e.g. hourly, under a lease), not per request.
// Revoked sessions (see RevokeSessions) are deleted when presented or once
// they expire.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	now := s.now()
	var r SweepResult
	var err error
	if r.Sessions, err = s.db.DeleteExpired(ctx, SessionsCollection, shapeExpiredSessions, now); err != nil {
		return r, fmt.Errorf("auth: sweep sessions: %w", err)
	}
	if r.LoginFailures, err = s.db.DeleteExpired(ctx, LoginFailuresCollection, shapeExpiredLoginFailures, now); err != nil {
		return r, fmt.Errorf("auth: sweep login failures: %w", err)
	}
	if r.PendingLogins, err = s.db.DeleteExpired(ctx, PendingLoginsCollection, shapeExpiredPendingLogins, now); err != nil {
		return r, fmt.Errorf("auth: sweep pending logins: %w", err)
	}
	if r.ResetLinks, err = s.db.DeleteExpired(ctx, PasswordResetsCollection, shapeExpiredResetLinks, now); err != nil {
		return r, fmt.Errorf("auth: sweep password reset links: %w", err)
	}
	return r, nil
}
