package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/fault"
)

// ErrDiskFull reports that the database refused a write because its disk is
// full. Nothing of the refused write is stored; once space is freed, writes
// succeed again without a restart. It is of kind fault.StorageFull.
var ErrDiskFull = fault.New(fault.StorageFull, "store: the database's disk is full")

// How a full disk shows: SQLite's SQLITE_FULL as the embedded FerretDB
// passes it on, and MongoDB's OutOfDiskSpace.
const (
	sqliteFullMessage    = "database or disk is full"
	mongoOutOfDiskSpace  = 14031
	mongoOutOfDiskString = "OutOfDiskSpace"
)

// isDiskFull reports whether err is the database refusing a write for lack
// of disk space.
func isDiskFull(err error) bool {
	var se mongo.ServerError
	if errors.As(err, &se) {
		return se.HasErrorCode(mongoOutOfDiskSpace) || se.HasErrorMessage(sqliteFullMessage)
	}
	return false
}

// writeProbeID is the meta document Writable rewrites to find out whether
// the database takes writes.
const writeProbeID = "write_probe"

// writeHealth remembers whether the database's disk is full, so the
// condition is logged once when it starts and once when it ends, not per
// refused write, and readiness checks can report it.
type writeHealth struct {
	full atomic.Bool

	mu       sync.Mutex
	probedAt time.Time
}

// classify marks a refused write for lack of space as ErrDiskFull and
// notes the condition; other errors are returned as they are.
func (s *Store) classify(ctx context.Context, err error) error {
	if err == nil || !isDiskFull(err) {
		return err
	}
	s.noteDiskFull(ctx, err)
	return fmt.Errorf("%w: %w", ErrDiskFull, err)
}

// noteDiskFull logs the start of a full disk once.
func (s *Store) noteDiskFull(ctx context.Context, cause error) {
	if s.health.full.Swap(true) {
		return
	}
	msg := cause.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	s.log.ErrorContext(ctx, "the database's disk is full: writes are refused (507) until space is freed",
		slog.String("mode", s.mode), slog.String("error", msg))
}

// noteWritten records that a write succeeded, ending a full disk.
func (s *Store) noteWritten(ctx context.Context) {
	if s.health.full.Load() && s.health.full.Swap(false) {
		s.log.InfoContext(ctx, "the database takes writes again")
	}
}

// Writable reports whether the database takes writes: nil, or an error
// wrapping ErrDiskFull while its disk is full. It rewrites a small probe
// document at most once a second while the disk is full (to notice freed
// space) and every 30 seconds otherwise (to notice a full disk without
// traffic); between probes it answers from what the last writes showed.
func (s *Store) Writable(ctx context.Context) error {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	every := s.tuning.probeWhileOK
	if s.health.full.Load() {
		every = s.tuning.probeWhileFull
	}
	if time.Since(s.health.probedAt) >= every {
		s.health.probedAt = time.Now()
		_, err := s.db.Collection(metaCollection).UpdateOne(ctx, byID(writeProbeID),
			bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().UTC()}}}}, options.Update().SetUpsert(true))
		switch {
		case err == nil:
			s.noteWritten(ctx)
		case isDiskFull(err):
			s.noteDiskFull(ctx, err)
		case mongo.IsDuplicateKeyError(err):
			// A first upsert raced another one (FerretDB reports that
			// instead of updating): the probe wrote nothing either way.
		default:
			return fmt.Errorf("store: write probe: %w", err)
		}
	}
	if s.health.full.Load() {
		return fmt.Errorf("store: %w", ErrDiskFull)
	}
	return nil
}
