// Package store is vorgang's data layer on MongoDB.
//
// The same code runs on a real MongoDB (replica set or sharded cluster, with
// any number of vorgang processes) and on an embedded FerretDB backed by
// SQLite, which Open starts in-process when no MongoDB URI is configured.
//
// FerretDB v1 implements every read-modify-write (update, findAndModify) as
// a read, a change in Go and a write, without a lock or transaction; only the
// uniqueness of _id and of unique indexes is atomic there. The primitives in
// this package therefore take their atomicity from one of two places:
//
//   - insert claims on a unique _id, which are atomic on every backend and
//     across any number of processes: Insert, NextNumber (one claim per
//     number), leases (one claim per change of holder or expiry) and the
//     first claim of an idempotency key;
//   - a compare-and-set on a version field (Update), which is one filtered
//     update on MongoDB, and a read and a write under an in-process keyed
//     lock on FerretDB, where one process owns the data directory (Open
//     locks it). Idempotent uses it to take over the claim of a dead caller;
//   - the same two ways, a filtered write on MongoDB and a read and a write
//     under the keyed lock on FerretDB, decide between taking an upload for
//     a ticket (AttachUpload) and sweeping it (DeletePendingUpload).
//
// On the embedded store, look documents up only by a string _id: every other
// filter makes FerretDB decode the whole collection in Go.
//
// The store is the only door to the database. Every package declares its
// collections, indexes and queries once as a Schema (Config.Collections);
// Open creates them, checks that an index serves each query shape and, on
// the embedded store, that SQLite answers each shape the store reads
// through SQL from an index. A read, write or query of anything undeclared
// fails with ErrUnregistered. Results come back decoded into the caller's
// Go values (Find, GetMany), never as driver documents; free-form values
// (ticket data and ext, history data, outbox payloads) come back as plain
// Go values: map[string]any, []any, string, int64, float64, bool,
// time.Time and nil.
//
// Collections used by the package itself: meta (the instance document),
// counters and counter_claims (NextNumber), idempotency (Idempotent) and
// leases (AcquireLease and friends).
package store
