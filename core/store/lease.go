package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// leasesCollection holds the lease records, see AcquireLease.
const leasesCollection = "leases"

// leaseDoc is one state of a lease. A lease is a chain of such records,
// epoch 1, 2, 3, ...; the one with the highest epoch is the current state.
// Records are never changed: every acquisition, renewal and release inserts
// the next epoch.
type leaseDoc struct {
	ID        string    `bson:"_id"` // "<name>#<epoch>"
	Name      string    `bson:"name"`
	Epoch     int64     `bson:"epoch"`
	Holder    string    `bson:"holder"` // "" after a release
	ExpiresAt time.Time `bson:"expires_at"`
	ClaimedAt time.Time `bson:"claimed_at"`
}

func (d *leaseDoc) heldBy(holder string, now time.Time) bool {
	return d != nil && d.Holder == holder && holder != "" && now.Before(d.ExpiresAt)
}

// AcquireLease makes holder the holder of the lease name for ttl, if the
// lease is free, expired, released or already held by holder (then it is
// extended). It reports whether holder holds the lease now. At most one
// holder holds a lease at a time, across any number of Stores and processes
// on one database; use a holder name that is unique per contender (e.g.
// host, process and job).
//
// The lease is held until ttl after the call started, by the caller's clock;
// another contender may take it over when it has expired by its own clock,
// so keep clock skew between vorgang hosts well below ttl, and renew early
// (e.g. every ttl/3).
//
// A change of a lease is the insert of its next epoch record with a unique
// _id, so of several contenders for one change exactly one wins — on MongoDB
// and on FerretDB alike, without relying on compare-and-set, which FerretDB
// does not do atomically. Superseded records are deleted a minute after
// they expired.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if err := checkLeaseArgs(name, holder, ttl); err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	start := time.Now()
	cur, err := s.currentLease(ctx, name)
	if err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	if cur != nil && cur.Holder != "" && cur.Holder != holder && start.Before(cur.ExpiresAt) {
		return false, nil
	}
	ok, err := s.claimLease(ctx, cur, name, holder, start.Add(ttl))
	if err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	return ok, nil
}

// RenewLease extends the lease name by ttl if holder holds it. It reports
// false if another holder has taken it over or it was released; a lease that
// expired but was not taken over is renewed.
func (s *Store) RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if err := checkLeaseArgs(name, holder, ttl); err != nil {
		return false, fmt.Errorf("store: renew lease %s: %w", name, err)
	}
	start := time.Now()
	cur, err := s.currentLease(ctx, name)
	if err != nil {
		return false, fmt.Errorf("store: renew lease %s: %w", name, err)
	}
	if cur == nil || cur.Holder != holder {
		return false, nil
	}
	ok, err := s.claimLease(ctx, cur, name, holder, start.Add(ttl))
	if err != nil {
		return false, fmt.Errorf("store: renew lease %s: %w", name, err)
	}
	return ok, nil
}

// ReleaseLease frees the lease name if holder holds it, so another
// contender need not wait for it to expire. Releasing a lease one does not
// hold does nothing.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if name == "" || holder == "" {
		return fmt.Errorf("store: release lease %q: empty name or holder", name)
	}
	now := time.Now()
	cur, err := s.currentLease(ctx, name)
	if err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	if !cur.heldBy(holder, now) {
		return nil
	}
	// Losing this race means someone else changed the lease already; either
	// way holder no longer holds it.
	if _, err := s.claimLease(ctx, cur, name, "", now); err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	return nil
}

func checkLeaseArgs(name, holder string, ttl time.Duration) error {
	switch {
	case name == "":
		return errors.New("empty lease name")
	case holder == "":
		return errors.New("empty holder")
	case ttl <= 0:
		return fmt.Errorf("ttl %v is not positive", ttl)
	}
	return nil
}

// currentLease returns the record with the highest epoch, or nil. The
// leases collection stays small (a few records per lease), so this query is
// cheap on FerretDB too, which answers it by decoding the collection.
func (s *Store) currentLease(ctx context.Context, name string) (*leaseDoc, error) {
	var d leaseDoc
	err := s.db.Collection(leasesCollection).FindOne(ctx, bson.D{{Key: "name", Value: name}},
		options.FindOne().SetSort(bson.D{{Key: "epoch", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return &d, nil
}

// claimLease inserts the record after cur. It reports false if another
// contender inserted it first.
func (s *Store) claimLease(ctx context.Context, cur *leaseDoc, name, holder string, expires time.Time) (bool, error) {
	epoch := int64(1)
	if cur != nil {
		epoch = cur.Epoch + 1
	}
	now := time.Now().UTC()
	d := leaseDoc{
		ID:        name + "#" + strconv.FormatInt(epoch, 10),
		Name:      name,
		Epoch:     epoch,
		Holder:    holder,
		ExpiresAt: expires.UTC(),
		ClaimedAt: now,
	}
	leases := s.db.Collection(leasesCollection)
	if _, err := leases.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return false, nil
		}
		return false, fmt.Errorf("claim epoch %d: %w", epoch, s.classify(ctx, err))
	}

	// Old records are deleted (below), so an insert of an old epoch can
	// succeed again when this call's read was overtaken by others. A record
	// is only deleted by a contender that has inserted a higher epoch, and
	// that one is only deleted by a contender with a higher one still: once
	// a record is gone, a higher epoch exists. So the claim stands if and
	// only if it is still the highest epoch.
	latest, err := s.currentLease(ctx, name)
	if err != nil {
		return false, fmt.Errorf("check claim of epoch %d: %w", epoch, err)
	}
	if latest == nil || latest.Epoch != epoch {
		return false, nil
	}

	_, err = leases.DeleteMany(ctx, bson.D{
		{Key: "name", Value: name},
		{Key: "epoch", Value: bson.D{{Key: "$lt", Value: epoch}}},
		{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now.Add(-s.tuning.leaseGrace)}}},
	})
	// The records are only tidied: the next claim deletes them, so a
	// stop that cuts this short is not worth a warning.
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "could not delete old lease records", slog.String("lease", name), slog.Any("error", err))
	}
	return true, nil
}
