package ticket

import (
	"sort"
	"strings"
)

// PathActor is the sealable path of a history entry's actor.
const PathActor = "actor"

// Keys of entry data whose values a person wrote or that name a person:
// comment texts, file names, the Message-ID of a mail (it names the
// sender's host and often the sender).
var sealedDataKeys = []string{"text", "comment", "files", "message_id"}

// SealablePaths lists the values of the entry a person may have written or
// that may name a person, as paths ("actor", "data/text", "data/data/<field>",
// "data/changes/data.<field>/new", "data/changes/data/<field>/old"): the
// actor, comment texts, file names, every value of form data and the old
// and new values of every change of form data. These are the values the
// engine seals so that each can be removed later; which of them are
// personal is the definitions' business and may change, the seal may not.
// The list is sorted.
func (h *HistoryEntry) SealablePaths() []string {
	var out []string
	if h.Actor != "" {
		out = append(out, PathActor)
	}
	for _, k := range sealedDataKeys {
		if v, ok := h.Data[k]; ok && v != nil {
			out = append(out, joinPath("data", k))
		}
	}
	d := newFields(h.Data)
	for k, v := range d.asMap(h.Data["data"]) {
		if v != nil {
			out = append(out, joinPath("data", "data", k))
		}
	}
	for name, ch := range d.asMap(h.Data["changes"]) {
		chm := d.asMap(ch)
		switch {
		case strings.HasPrefix(name, "data."):
			out = appendOldNew(out, chm, "data", "changes", name)
		case name == "data":
			_, hasOld := chm["old"]
			_, hasNew := chm["new"]
			if hasOld && hasNew && len(chm) == 2 {
				out = appendOldNew(out, chm, "data", "changes", name)
				continue
			}
			for field, fch := range chm {
				out = appendOldNew(out, d.asMap(fch), "data", "changes", "data", field)
			}
		}
	}
	sort.Strings(out)
	return out
}

func appendOldNew(out []string, ch map[string]any, prefix ...string) []string {
	for _, k := range []string{"old", "new"} {
		if v, ok := ch[k]; ok && v != nil {
			out = append(out, joinPath(append(prefix, k)...))
		}
	}
	return out
}

// joinPath joins path segments with "/", escaping "~" and "/" in a
// segment as JSON Pointer does ("~0", "~1"), so field names cannot be
// mistaken for separators.
func joinPath(segs ...string) string {
	esc := make([]string, len(segs))
	for i, s := range segs {
		esc[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
	}
	return strings.Join(esc, "/")
}

// SplitPath is the inverse of the path form SealablePaths returns.
func SplitPath(p string) []string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
	}
	return segs
}

// ValueAt returns the value at a sealable path and whether it is there.
func (h *HistoryEntry) ValueAt(p string) (any, bool) {
	if p == PathActor {
		return h.Actor, h.Actor != ""
	}
	segs := SplitPath(p)
	if len(segs) < 2 || segs[0] != "data" {
		return nil, false
	}
	return valueIn(h.Data, segs[1:])
}

func valueIn(m map[string]any, segs []string) (any, bool) {
	d := newFields(m)
	cur := m
	for i, s := range segs {
		v, ok := cur[s]
		if !ok {
			return nil, false
		}
		if i == len(segs)-1 {
			return v, v != nil
		}
		cur = d.asMap(v)
		if cur == nil {
			return nil, false
		}
	}
	return nil, false
}

// RemoveAt deletes the value at a sealable path: the actor becomes empty,
// a data key is deleted. Maps on the way are copied, so data shared with
// another reader is not changed under it.
func (h *HistoryEntry) RemoveAt(p string) {
	if p == PathActor {
		h.Actor = ""
		return
	}
	segs := SplitPath(p)
	if len(segs) < 2 || segs[0] != "data" {
		return
	}
	h.Data = removeIn(h.Data, segs[1:])
}

func removeIn(m map[string]any, segs []string) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	if len(segs) == 1 {
		delete(out, segs[0])
		return out
	}
	sub := newFields(nil).asMap(out[segs[0]])
	if sub == nil {
		return out
	}
	out[segs[0]] = removeIn(sub, segs[1:])
	return out
}

// SetAt puts v at path p inside the (copied) map m, making maps on the way;
// the hash of a sealed entry uses it to put digests in place of values.
func SetAt(m map[string]any, segs []string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, val := range m {
		out[k] = val
	}
	if len(segs) == 1 {
		out[segs[0]] = v
		return out
	}
	sub, _ := out[segs[0]].(map[string]any)
	out[segs[0]] = SetAt(sub, segs[1:], v)
	return out
}
