package engine_test

import (
	"os"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// legacyArchive is a backup of a store written by an earlier vorgang: its
// history entries must keep verifying and decoding as the model evolves.
const legacyArchive = "testdata/history-v1.tar.gz"

// openLegacyStore restores legacyArchive into a fresh embedded store.
func openLegacyStore(t *testing.T) *store.Store {
	t.Helper()
	f, err := os.Open(legacyArchive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	archive, err := store.ReadBackup(t.Context(), f, "")
	if err != nil {
		t.Fatal(err)
	}
	defer archive.Close()
	st := openStore(t)
	if _, err := st.RestoreVerified(t.Context(), archive, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// A store written by an earlier version still verifies, every entry reads
// into its typed form, and the typed form encodes back to what was stored:
// the re-encoded history verifies against the stored hashes.
func TestLegacyHistoryVerifies(t *testing.T) {
	st := openLegacyStore(t)
	ctx := t.Context()
	checked, err := engine.Audit(ctx, st, nil, func(number string, problems []engine.VerifyProblem) {
		t.Errorf("%s: %v", number, problems)
	})
	if err != nil {
		t.Fatal(err)
	}
	numbers, err := st.TicketNumbers(ctx, "", 500)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, n := range numbers {
		tk, err := st.Ticket(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := st.History(ctx, tk)
		if err != nil {
			t.Fatal(err)
		}
		again := make([]ticket.HistoryEntry, len(hist))
		for i, h := range hist {
			e, err := h.Decode()
			if err != nil {
				t.Fatalf("%s: %v", h.ID, err)
			}
			if _, unknown := e.(ticket.Unknown); unknown {
				t.Errorf("%s: kind %q has no typed entry", h.ID, h.Type)
			}
			kinds[h.Type]++
			again[i] = h
			again[i].Set(e)
		}
		if p := engine.VerifyHistory(tk, again); len(p) != 0 {
			t.Errorf("%s re-encoded: %v", n, p)
		}
	}
	if checked != 11 {
		t.Errorf("checked %d tickets, want 11", checked)
	}
	// Every kind but child_failed (which needs a store that refuses a
	// child) is in the archive.
	for _, kind := range []string{ticket.EntryCreated, ticket.EntryTransition, ticket.EntryComment, ticket.EntryCitizenReply,
		ticket.EntryAssigned, ticket.EntryLinked, ticket.EntryApprovalRequested, ticket.EntryApproved, ticket.EntryRejected,
		ticket.EntrySLAWarning, ticket.EntrySLABreach, ticket.EntryScript, ticket.EntryScriptFailed,
		ticket.EntryChildCreated, ticket.EntryClosedByParent} {
		if kinds[kind] == 0 {
			t.Errorf("no %s entry in %s", kind, legacyArchive)
		}
	}
}
