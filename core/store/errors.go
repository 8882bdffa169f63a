package store

import "vorgang/core/fault"

// ErrNotFound reports that no document has the requested _id. It is of
// kind fault.NotFound.
var ErrNotFound = fault.New(fault.NotFound, "store: not found")

// ErrDuplicate reports that a document with the same _id (or the same value of
// a unique index) already exists. It is of kind fault.Conflict.
var ErrDuplicate = fault.New(fault.Conflict, "store: duplicate key")

// ErrConflict reports that a compare-and-set lost: the stored version is not
// the one the caller expected, because someone else changed the document.
// It is of kind fault.Conflict.
var ErrConflict = fault.New(fault.Conflict, "store: version conflict")

// ErrPending reports that another call with the same idempotency key is still
// running (or died while running and has not yet gone stale). It is of kind
// fault.InProgress.
var ErrPending = fault.New(fault.InProgress, "store: idempotent call still pending")
