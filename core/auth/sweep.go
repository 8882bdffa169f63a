package auth

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
)

// SweepResult counts what Sweep deleted.
type SweepResult struct {
	Sessions      int64
	LoginFailures int64
}

// Sweep deletes expired sessions and login failure counters whose window
// and lock have passed. Both are also handled when next used; Sweep removes
// those nobody comes back for (a browser that was closed, a name tried
// once), so the collections stay small.
//
// Unlike everything else in this package, Sweep filters on a field other
// than _id, which on the embedded store decodes each whole collection: run
// it from a scheduled job (e.g. hourly, under a lease), not per request.
// Revoked sessions (see RevokeSessions) are deleted when presented or once
// they expire.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	now := s.now()
	var r SweepResult
	res, err := s.db.DB().Collection(SessionsCollection).DeleteMany(ctx,
		bson.D{{Key: "valid_until", Value: bson.D{{Key: "$lte", Value: now}}}})
	if err != nil {
		return r, fmt.Errorf("auth: sweep sessions: %w", err)
	}
	r.Sessions = res.DeletedCount
	res, err = s.db.DB().Collection(LoginFailuresCollection).DeleteMany(ctx,
		bson.D{{Key: "expires", Value: bson.D{{Key: "$lte", Value: now}}}})
	if err != nil {
		return r, fmt.Errorf("auth: sweep login failures: %w", err)
	}
	r.LoginFailures = res.DeletedCount
	return r, nil
}
