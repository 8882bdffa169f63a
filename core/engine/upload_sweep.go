package engine

import (
	"context"
	"fmt"
	"time"
)

// DefaultUploadGrace is how long SweepUploads keeps an upload no ticket
// took: a day, so a form left open overnight can still be sent with its
// files.
const DefaultUploadGrace = 24 * time.Hour

// uploadSweepBatch is how many uploads one query of the sweep lists.
const uploadSweepBatch = 100

// SweepUploads deletes the uploads that no ticket took (a form abandoned,
// a create refused) and that are older than olderThan
// (DefaultUploadGrace when not positive), with their content, and returns
// how many it deleted. An upload a ticket takes while the sweep runs is
// kept (see attachUploads); attachments stored before uploads were marked
// pending count as taken and are never swept.
//
// The sweep reads the attachments through an index: run it from a
// scheduled job under a lease, so that one instance sweeps.
func (e *Engine) SweepUploads(ctx context.Context, olderThan time.Duration) (int, error) {
	if olderThan <= 0 {
		olderThan = DefaultUploadGrace
	}
	cutoff := e.now().Add(-olderThan)
	deleted := 0
	for {
		ids, err := e.store.PendingUploads(ctx, cutoff, uploadSweepBatch)
		if err != nil {
			return deleted, fmt.Errorf("engine: sweep uploads: %w", err)
		}
		progress := false
		for _, id := range ids {
			ok, err := e.store.DeletePendingUpload(ctx, id, cutoff)
			if err != nil {
				return deleted, fmt.Errorf("engine: sweep uploads: %w", err)
			}
			if ok {
				deleted++
				progress = true
			}
		}
		// A listed upload that was not deleted was taken meanwhile and
		// is not listed again; a batch without progress ends the sweep
		// all the same, so it cannot spin.
		if len(ids) < uploadSweepBatch || !progress {
			break
		}
	}
	if deleted > 0 {
		e.log.InfoContext(ctx, "abandoned uploads deleted", "count", deleted, "older_than", olderThan.String())
	}
	return deleted, nil
}
