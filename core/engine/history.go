package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"vorgang/core/auth"
	"vorgang/core/ticket"
)

// History entry types; core/ticket has the typed entry of each.
const (
	EntryCreated           = ticket.EntryCreated
	EntryTransition        = ticket.EntryTransition
	EntryComment           = ticket.EntryComment
	EntryCitizenReply      = ticket.EntryCitizenReply
	EntryAssigned          = ticket.EntryAssigned
	EntryLinked            = ticket.EntryLinked
	EntryApprovalRequested = ticket.EntryApprovalRequested
	EntryApproved          = ticket.EntryApproved
	EntryRejected          = ticket.EntryRejected
	EntrySLAWarning        = ticket.EntrySLAWarning
	EntrySLABreach         = ticket.EntrySLABreach
	EntryScript            = ticket.EntryScript
	EntryScriptFailed      = ticket.EntryScriptFailed
	EntryChildCreated      = ticket.EntryChildCreated
	EntryClosedByParent    = ticket.EntryClosedByParent
	EntryChildFailed       = ticket.EntryChildFailed
)

// chain links entry to the ticket's previous entry: PrevHash is the
// ticket's current head, Hash covers the entry's content, a fresh nonce
// and PrevHash. A changed, removed or reordered entry breaks every hash
// after it. The nonce makes the hash unique per attempt, so the outbox
// items of two identical attempts at one version (whose ids carry the
// hash) never collide and only the committed attempt's are acted on.
func chain(t *ticket.Ticket, entry *ticket.HistoryEntry) {
	entry.Seq = t.Version + 1
	entry.Ticket = t.Number
	entry.Nonce = newNonce()
	entry.PrevHash = t.HistoryHash
	seal(entry)
	entry.Hash = entryHash(entry)
	t.HistoryHash = entry.Hash
}

// entryHash is the SHA-256 of the entry's canonical JSON: sorted keys,
// numbers and times in one form whatever the database decoded them to;
// sealed values enter it as their salted digests (see seal).
func entryHash(e *ticket.HistoryEntry) string {
	doc := map[string]any{
		"ticket": e.Ticket, "seq": e.Seq, "at": e.At.UTC().Format(time.RFC3339Nano),
		"actor": e.Actor, "type": e.Type, "data": canonical(e.Data), "prev": e.PrevHash,
	}
	if e.Nonce != "" {
		// Entries written before nonces existed keep their hash.
		doc["nonce"] = e.Nonce
	}
	// Entries written before sealing have no salts and keep their hash.
	sealedDoc(e, doc)
	b, err := json.Marshal(doc)
	if err != nil {
		// canonical leaves only JSON-encodable values.
		panic(fmt.Sprintf("engine: hash history entry: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonical converts the values the engine writes and the plain values the
// store reads back (int64 for whole numbers, time.Time at millisecond
// precision) into the same JSON values, so an entry hashes alike before and
// after a round trip through the database.
func canonical(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = canonical(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = canonical(val)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case int:
		return json.Number(fmt.Sprint(x))
	case int32:
		return json.Number(fmt.Sprint(x))
	case int64:
		return json.Number(fmt.Sprint(x))
	case float64:
		if x == float64(int64(x)) {
			return json.Number(fmt.Sprint(int64(x)))
		}
		return json.Number(fmt.Sprint(x))
	case time.Time:
		return x.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
	case string, bool:
		return x
	}
	return fmt.Sprint(v)
}

// newNonce returns 8 random bytes as hex.
func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// VerifyProblem is one break in a ticket's history chain.
type VerifyProblem struct {
	Seq     int64
	Problem string
}

// VerifyHistory checks a ticket's history chain: every entry's hash
// matches its content, links to the one before, and the last one is the
// ticket's head; values removed by an anonymisation are recorded by it
// and stay removed.
func VerifyHistory(t *ticket.Ticket, entries []ticket.HistoryEntry) []VerifyProblem {
	var out []VerifyProblem
	prev := ""
	sort.Slice(entries, func(i, j int) bool { return entries[i].Seq < entries[j].Seq })
	for i := range entries {
		e := &entries[i]
		if e.Seq != int64(i+1) {
			out = append(out, VerifyProblem{e.Seq, fmt.Sprintf("entry %d is missing", i+1)})
		}
		if e.PrevHash != prev {
			out = append(out, VerifyProblem{e.Seq, "does not link to the entry before it"})
		}
		if got := entryHash(e); got != e.Hash {
			out = append(out, VerifyProblem{e.Seq, "content does not match its hash (changed after it was written)"})
		}
		prev = e.Hash
	}
	out = append(out, verifyRemoved(entries)...)
	if prev != t.HistoryHash {
		out = append(out, VerifyProblem{int64(len(entries)), "the ticket's head hash does not match its last entry"})
	}
	return out
}

// History returns the entries of a ticket actor may see; internal comments
// only for holders of ticket.comment_internal.
func (e *Engine) History(ctx context.Context, actor *auth.Principal, number string) (*ticket.Ticket, []ticket.HistoryEntry, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, nil, err
	}
	entries, err := e.store.History(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	if actor.HasPermission("ticket.comment_internal") {
		return t, entries, nil
	}
	visible := entries[:0]
	for _, h := range entries {
		if h.Internal() {
			continue
		}
		if h.Type == EntryTransition && h.CommentInternal() {
			// The transition is the requester's to see; its comment is not.
			h.Data = maps.Clone(h.Data)
			delete(h.Data, "comment")
		}
		visible = append(visible, h)
	}
	return t, visible, nil
}
