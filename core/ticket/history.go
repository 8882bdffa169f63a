package ticket

import (
	"fmt"
	"time"
)

// HistoryEntry records one change of a ticket as it is stored. Entry N of
// a ticket has _id "<number>/<N as 8 digits>" and is written before the
// ticket's version becomes N, so its insert is the claim on that version.
// Data is the encoded form of the typed entry (see Decode and Encode).
type HistoryEntry struct {
	ID     string         `bson:"_id"`
	Ticket string         `bson:"ticket"`
	Seq    int64          `bson:"seq"`
	At     time.Time      `bson:"at"`
	Actor  string         `bson:"actor"`
	Type   string         `bson:"type"`
	Data   map[string]any `bson:"data,omitempty"`
	// Nonce is random per attempt at a change, so two attempts with the
	// same content (one actor, one text, one millisecond) still differ in
	// their hash, and the work each queues is told apart.
	Nonce string `bson:"nonce,omitempty"`
	// PrevHash and Hash chain the entries of one ticket; the engine
	// computes them.
	PrevHash string `bson:"prev_hash,omitempty"`
	Hash     string `bson:"hash,omitempty"`
	// Salts holds, per sealed value (see SealablePaths), the random salt
	// of its commitment: the hash covers the salted digest of the value,
	// not the value, so the value can be removed later (Redact) and the
	// chain still verifies. Entries written before sealing have none.
	Salts map[string]string `bson:"salts,omitempty"`
	// Redacted holds, per removed value, the digest its salt and value
	// had: what the hash covers in its place.
	Redacted map[string]string `bson:"redacted,omitempty"`
	// LegacyHash is the hash the entry had before it was sealed by the
	// migration of unsealed history; work queued under that hash still
	// counts as the entry's.
	LegacyHash string `bson:"legacy_hash,omitempty"`
	// SealedByMigration marks an entry whose salts the migration added
	// (it had none), so a migration cut off by a crash can tell the
	// unsealed chain it verifies before it continues.
	SealedByMigration bool `bson:"sealed_by_migration,omitempty"`
}

// Entry is the typed content of a history entry, one type per kind.
type Entry interface {
	// Kind is the entry's stored type name, one of the Entry* constants.
	Kind() string
	// encode returns the stored data map.
	encode() map[string]any
}

// NewEntry is a history entry holding e, by actor; the engine stamps and
// chains it.
func NewEntry(actor string, e Entry) *HistoryEntry {
	return &HistoryEntry{Actor: actor, Type: e.Kind(), Data: e.encode()}
}

// Set makes e the entry's content.
func (h *HistoryEntry) Set(e Entry) { h.Type, h.Data = e.Kind(), e.encode() }

// Decode reads the typed content of a stored entry. An entry of a kind
// this version does not know decodes to Unknown, so old readers of new
// data keep working.
func (h *HistoryEntry) Decode() (Entry, error) {
	d := newFields(h.Data)
	var e Entry
	switch h.Type {
	case EntryCreated:
		e = decodeCreated(d)
	case EntryTransition:
		e = decodeTransitioned(d)
	case EntryComment, EntryCitizenReply:
		e = decodeCommented(h.Type, d)
	case EntryAssigned:
		e = Assigned{Old: d.str("old"), New: d.str("new")}
	case EntryLinked:
		e = Linked{Link: Link{Kind: d.str("kind"), Target: d.str("target")}}
	case EntryApprovalRequested:
		e = ApprovalRequested{Transition: d.str("transition"), Steps: d.strings("steps")}
	case EntryApproved, EntryRejected:
		e = decodeDecision(h.Type, d)
	case EntrySLAWarning, EntrySLABreach:
		e = decodeSLAEvents(h.Type, d)
	case EntryScript:
		e = ScriptRan{Hook: d.str("hook"), Script: d.str("script"), Changes: d.changes("changes")}
	case EntryScriptFailed:
		e = ScriptFailed{Script: d.str("script"), Module: d.str("module"), Hook: d.str("hook"), Line: d.int("line"), Message: d.str("message")}
	case EntryChildCreated:
		e = ChildCreated{Child: d.str("child"), Process: d.str("process")}
	case EntryChildFailed:
		e = ChildFailed{Process: d.str("process"), Reason: d.str("reason"), Effect: d.str("effect")}
	case EntryClosedByParent:
		e = ClosedByParent{Parent: d.str("parent"), From: d.str("from"), To: d.str("to")}
	case EntryMigrated:
		e = decodeMigrated(d)
	case EntryAnonymised:
		e = Anonymised{Reason: d.str("reason"), Rule: d.str("rule"), Request: d.str("request"), Removed: d.strings("removed"), Fields: d.stringsOrNil("fields")}
	case EntryLegalHold:
		e = LegalHold{Hold: d.bool("hold"), Reason: d.str("reason")}
	case EntrySealed:
		e = Sealed{LegacyHead: d.str("legacy_head"), Entries: d.int("entries")}
	default:
		return Unknown{Type: h.Type, Data: h.Data}, nil
	}
	if d.err != nil {
		return nil, fmt.Errorf("ticket: history entry %s (%s): %w", h.ID, h.Type, d.err)
	}
	return e, nil
}

// Internal reports whether the entry is for staff only: an internal
// comment or note, a transition with an internal comment, a script or
// child ticket failure.
func (h *HistoryEntry) Internal() bool {
	switch h.Type {
	case EntryComment:
		internal, _ := h.Data["internal"].(bool)
		return internal
	case EntryScriptFailed, EntryChildFailed:
		return true
	}
	return false
}

// CommentInternal reports whether the comment the entry carries (a
// comment's text or a transition's comment) is for staff only.
func (h *HistoryEntry) CommentInternal() bool {
	if h.Type == EntryComment {
		return h.Internal()
	}
	internal, _ := h.Data[keyCommentInternal].(bool)
	return internal
}
