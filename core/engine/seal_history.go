package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// SealStore is what SealHistory reads and writes; *store.Store
// implements it.
type SealStore interface {
	AuditStore
	HistoryRewriter
	UpdateTicket(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry) error
}

// SealHistory migrates the history of ticket number written before values
// were sealed: it verifies the chain as it is, gives every entry without
// salts its salts, rehashes the chain, and appends a sealed entry holding
// the head the unsealed chain had, so the new chain attests the old one.
// Each entry keeps its former hash (LegacyHash), under which work queued
// for it is still recognised. Afterwards its values can be anonymised.
//
// A broken chain is not sealed (fault.Conflict): sealing it would hide
// the break. A run cut off between rewriting the entries and appending
// the sealed entry is completed by the next run. It reports whether it
// sealed anything; a sealed ticket is left as it is.
func SealHistory(ctx context.Context, st SealStore, number string, now time.Time) (bool, error) {
	for attempt := 0; attempt < maxChangeAttempts; attempt++ {
		sealed, err := sealOnce(ctx, st, number, now)
		if !errors.Is(err, store.ErrConflict) {
			return sealed, err
		}
	}
	return false, fmt.Errorf("engine: seal %s: it keeps changing: %w", number, fault.Conflict)
}

func sealOnce(ctx context.Context, st SealStore, number string, now time.Time) (bool, error) {
	t, err := st.Ticket(ctx, number)
	if err != nil {
		return false, fmt.Errorf("engine: seal %s: %w", number, err)
	}
	entries, err := st.History(ctx, t)
	if err != nil {
		return false, fmt.Errorf("engine: seal %s: %w", number, err)
	}
	if !needsSealing(t, entries) {
		return false, nil
	}
	legacy := legacyView(entries)
	if p := VerifyHistory(t, legacy); len(p) > 0 {
		return false, fmt.Errorf("engine: seal %s: entry %d: %s; a broken history is not sealed: %w", number, p[0].Seq, p[0].Problem, fault.Conflict)
	}
	legacyHead := t.HistoryHash
	prev := ""
	for i := range entries {
		h := &entries[i]
		if h.LegacyHash == "" {
			h.LegacyHash = h.Hash
		}
		if h.SealedByMigration || (len(h.Salts) == 0 && len(h.Redacted) == 0) {
			seal(h)
			h.SealedByMigration = true
		}
		h.PrevHash = prev
		h.Hash = entryHash(h)
		prev = h.Hash
	}
	// Rewritten before the sealed entry moves the head: a crash in
	// between leaves entries whose legacy hashes still chain to the head,
	// which the next run verifies and completes.
	if err := st.RewriteHistory(ctx, number, entries); err != nil {
		return false, fmt.Errorf("engine: seal %s: %w", number, err)
	}
	t.HistoryHash = prev
	entry := ticket.NewEntry(system.User, ticket.Sealed{LegacyHead: legacyHead, Entries: len(entries)})
	entry.At = now.UTC().Truncate(time.Millisecond)
	chain(t, entry)
	if err := st.UpdateTicket(ctx, t, entry); err != nil {
		return false, fmt.Errorf("engine: seal %s: %w", number, err)
	}
	return true, nil
}

// needsSealing: an entry with sealable values but no salts, or a
// migration cut off before its sealed entry (the ticket's head is still
// the unsealed chain's).
func needsSealing(t *ticket.Ticket, entries []ticket.HistoryEntry) bool {
	for i := range entries {
		h := &entries[i]
		if h.LegacyHash != "" && h.Hash != "" && i == len(entries)-1 && t.HistoryHash == h.LegacyHash && h.Hash != h.LegacyHash {
			return true
		}
		if h.LegacyHash == "" && len(h.Salts) == 0 && len(h.Redacted) == 0 && len(h.SealablePaths()) > 0 {
			return true
		}
	}
	return false
}

// legacyView is the history as it was before a migration that was cut
// off: former hashes and links, without the salts the migration added.
func legacyView(entries []ticket.HistoryEntry) []ticket.HistoryEntry {
	out := make([]ticket.HistoryEntry, len(entries))
	prev := ""
	for i, h := range entries {
		if h.LegacyHash != "" {
			h.Hash = h.LegacyHash
			h.PrevHash = prev
			if h.SealedByMigration {
				h.Salts = nil
			}
		}
		prev = h.Hash
		out[i] = h
	}
	return out
}
