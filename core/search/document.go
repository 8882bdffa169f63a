package search

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"vorgang/core/ticket"
)

// Doc is what the index keeps of a ticket.
type Doc struct {
	Number    string
	Version   int64
	Process   string
	State     string
	Team      string
	Requester string
	Assignee  string
	// Viewers are the users who see the ticket whatever their team: its
	// requester and assignee, the manager a pending approval waits for and
	// whoever decided a step of an approval (the engine's rules).
	Viewers []string
	Open    bool
	Created time.Time
	Updated time.Time
	Title   string
	// Data is the text of the form's fields, one value a line.
	Data string
	// Public holds the comments everybody who sees the ticket reads;
	// Internal those among staff (internal comments and the internal
	// comments of transitions), kept apart so a query without Internal
	// never matches or quotes them.
	Public   string
	Internal string
}

// DocOf builds the document of t from its committed history.
func DocOf(t *ticket.Ticket, history []ticket.HistoryEntry) Doc {
	d := Doc{
		Number: t.Number, Version: t.Version, Process: t.Process, State: t.State, Team: t.Team,
		Requester: t.Requester, Assignee: t.Assignee, Open: t.Open,
		Created: t.Created.UTC(), Updated: t.Updated.UTC(), Title: t.Title,
		Data: dataText(t.Data),
	}
	d.Viewers = viewers(t)
	var public, internal []string
	for i := range history {
		h := &history[i]
		if h.Seq > t.Version {
			continue // not committed
		}
		text := entryText(h)
		if text == "" {
			continue
		}
		if h.CommentInternal() || h.Internal() {
			internal = append(internal, text)
		} else {
			public = append(public, text)
		}
	}
	d.Public = strings.Join(public, "\n\n")
	d.Internal = strings.Join(internal, "\n\n")
	return d
}

// viewers lists who sees t by name, sorted and without duplicates.
func viewers(t *ticket.Ticket) []string {
	var out []string
	for _, u := range []string{t.Requester, t.Assignee} {
		if u != "" {
			out = append(out, u)
		}
	}
	if a := t.Approval(); a != nil && a.Manager != "" {
		out = append(out, a.Manager)
	}
	out = append(out, t.Deciders()...)
	slices.Sort(out)
	return slices.Compact(out)
}

// entryText is the text a history entry carries: a comment's or a citizen
// reply's text, or the comment of a transition or approval decision.
func entryText(h *ticket.HistoryEntry) string {
	switch h.Type {
	case ticket.EntryComment, ticket.EntryCitizenReply:
		s, _ := h.Data["text"].(string)
		return strings.TrimSpace(s)
	case ticket.EntryTransition, ticket.EntryApproved, ticket.EntryRejected:
		s, _ := h.Data["comment"].(string)
		return strings.TrimSpace(s)
	}
	return ""
}

// dataText is the text of a ticket's form data: every string value (also
// inside lists and groups), in key order so a reindex writes the same
// document. Numbers, booleans and dates are left out: they are not words.
func dataText(data map[string]any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if s := strings.TrimSpace(x); s != "" && !looksLikeID(s) {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(s)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k])
			}
		}
	}
	walk(data)
	return b.String()
}

// looksLikeID tells upload ids and similar tokens (long, without spaces,
// mostly hex) from words; they only add noise to the index.
func looksLikeID(s string) bool {
	if len(s) < 24 || strings.ContainsAny(s, " \n") {
		return false
	}
	hex := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'f' {
			hex++
		}
	}
	return hex*10 >= len(s)*9
}

func (d Doc) String() string { return fmt.Sprintf("%s@%d", d.Number, d.Version) }
