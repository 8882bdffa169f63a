package engine

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"vorgang/core/ticket"
)

// errUnsealed: a value of an entry written before sealing cannot be
// removed without breaking the chain; the history must be sealed first
// (SealHistory, "vorgang audit seal").
var errUnsealed = errors.New("the entry was written before values were sealed")

// seal gives every sealable value of the entry (ticket.SealablePaths) a
// random salt of its own. The entry's hash then covers each value only as
// the SHA-256 of salt and value (commitment): removing value and salt
// later (redact) leaves the digest, and the hash still verifies. Without
// the salt the digest of a short value (an e-mail address, a name) could
// be found by trying; with it, nothing of the value remains.
func seal(entry *ticket.HistoryEntry) {
	paths := entry.SealablePaths()
	if len(paths) == 0 {
		entry.Salts = nil
		return
	}
	entry.Salts = make(map[string]string, len(paths))
	for _, p := range paths {
		var b [16]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
		entry.Salts[p] = hex.EncodeToString(b[:])
	}
}

// commitment is the digest of a sealed value: SHA-256 over the salt, a
// zero byte and the value's canonical JSON.
func commitment(salt string, v any) string {
	b, err := json.Marshal(canonical(v))
	if err != nil {
		panic(fmt.Sprintf("engine: commit sealed value: %v", err))
	}
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// sealedDoc puts the digests of the entry's sealed and removed values in
// place of the values in the hashed document's actor and data, and lists
// their paths. An entry with neither hashes as entries always did.
func sealedDoc(e *ticket.HistoryEntry, doc map[string]any) {
	if len(e.Salts) == 0 && len(e.Redacted) == 0 {
		return
	}
	data, _ := doc["data"].(map[string]any)
	digests := make(map[string]string, len(e.Salts)+len(e.Redacted))
	for p, salt := range e.Salts {
		v, _ := e.ValueAt(p)
		digests[p] = commitment(salt, v)
	}
	for p, d := range e.Redacted {
		digests[p] = d
	}
	for _, p := range slices.Sorted(maps.Keys(digests)) {
		placeholder := map[string]any{"sealed": digests[p]}
		if p == ticket.PathActor {
			doc["actor"] = placeholder
			continue
		}
		segs := ticket.SplitPath(p)
		if len(segs) < 2 || segs[0] != "data" {
			// Not a path SealablePaths makes; hashed so that it counts.
			doc["bad_path/"+p] = placeholder
			continue
		}
		data = ticket.SetAt(data, segs[1:], placeholder)
	}
	doc["data"] = data
	doc["sealed"] = slices.Sorted(maps.Keys(digests))
}

// redact removes the sealed value at path from the entry, keeping the
// digest its hash covers. It reports whether anything was removed.
func redact(e *ticket.HistoryEntry, path string) (bool, error) {
	if _, done := e.Redacted[path]; done {
		return false, nil
	}
	v, ok := e.ValueAt(path)
	if !ok {
		return false, nil
	}
	salt, sealed := e.Salts[path]
	if !sealed {
		return false, fmt.Errorf("entry %d, %s: %w", e.Seq, path, errUnsealed)
	}
	if e.Redacted == nil {
		e.Redacted = map[string]string{}
	}
	e.Redacted[path] = commitment(salt, v)
	delete(e.Salts, path)
	e.RemoveAt(path)
	return true, nil
}

// verifyRemoved checks the removed values of a chain: none is back, and
// each is recorded by an anonymisation entry of the chain (which is itself
// hashed), so a value cannot disappear unrecorded.
func verifyRemoved(entries []ticket.HistoryEntry) []VerifyProblem {
	recorded := map[string]bool{}
	for i := range entries {
		if entries[i].Type != ticket.EntryAnonymised {
			continue
		}
		if a, err := entries[i].Decode(); err == nil {
			for _, k := range a.(ticket.Anonymised).Removed {
				recorded[k] = true
			}
		}
	}
	var out []VerifyProblem
	for i := range entries {
		e := &entries[i]
		for _, p := range slices.Sorted(maps.Keys(e.Redacted)) {
			if _, back := e.ValueAt(p); back {
				out = append(out, VerifyProblem{e.Seq, fmt.Sprintf("the removed value %s is present again", p)})
			}
			if _, alsoSealed := e.Salts[p]; alsoSealed {
				out = append(out, VerifyProblem{e.Seq, fmt.Sprintf("the removed value %s still has a salt", p)})
			}
			if !recorded[ticket.RemovedKey(e.Seq, p)] {
				out = append(out, VerifyProblem{e.Seq, fmt.Sprintf("the value %s was removed without an anonymisation entry recording it", p)})
			}
		}
	}
	return out
}
