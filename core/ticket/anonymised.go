package ticket

import (
	"fmt"
	"strconv"
	"strings"
)

// Reasons of an anonymisation.
const (
	ReasonRetention = "retention"
	ReasonRequest   = "request"
)

// Anonymised records that personal values were removed: which sealed
// values of which entries (Removed, each "<seq>:<path>"), and which
// ticket fields. It names no value; the chain's verification checks that
// every removed value is recorded by such an entry.
type Anonymised struct {
	// Reason is ReasonRetention or ReasonRequest.
	Reason string
	// Rule is the process's retention rule that applied; Request the
	// data subject's request that asked for it.
	Rule, Request string
	Removed       []string
	// Fields lists the ticket's own fields that were cleared (requester,
	// tracking, title, data.<field>, attachments).
	Fields []string
}

func (Anonymised) Kind() string { return EntryAnonymised }

func (a Anonymised) encode() map[string]any {
	m := map[string]any{"reason": a.Reason, "removed": anyList(a.Removed)}
	if a.Rule != "" {
		m["rule"] = a.Rule
	}
	if a.Request != "" {
		m["request"] = a.Request
	}
	if a.Fields != nil {
		m["fields"] = anyList(a.Fields)
	}
	return m
}

// RemovedKey is how Anonymised.Removed names the value at path of entry seq.
func RemovedKey(seq int64, path string) string { return fmt.Sprintf("%d:%s", seq, path) }

// ParseRemovedKey splits a RemovedKey.
func ParseRemovedKey(k string) (int64, string, error) {
	seq, path, ok := strings.Cut(k, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 {
		return 0, "", fmt.Errorf("ticket: removed value %q is not <seq>:<path>", k)
	}
	return n, path, nil
}

// Sealed records that the ticket's history, written before values were
// sealed, was sealed: every entry got salts and a new hash, and the chain
// this entry continues attests the head the unsealed chain had.
type Sealed struct {
	LegacyHead string
	Entries    int
}

func (Sealed) Kind() string { return EntrySealed }

func (s Sealed) encode() map[string]any {
	return map[string]any{"legacy_head": s.LegacyHead, "entries": s.Entries}
}

// LegalHold records a legal hold put on (Hold) or taken off a ticket.
type LegalHold struct {
	Hold   bool
	Reason string
}

func (LegalHold) Kind() string { return EntryLegalHold }

func (l LegalHold) encode() map[string]any {
	m := map[string]any{"hold": l.Hold}
	if l.Reason != "" {
		m["reason"] = l.Reason
	}
	return m
}
