package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"vorgang/core/engine"
	"vorgang/core/notify"
	"vorgang/core/ticket"
)

// check compares a ticket with the expectations and reports each
// difference at the line of its expectation.
func (r *runner) check(ctx context.Context, e *Expect, t *ticket.Ticket, queued []notification, fail failFunc) {
	diff := func(key string, want, got any) {
		fail(e.pos[key], "%s: want %s, got %s", key, show(want), show(got))
	}
	text := func(key string, want *string, got string) {
		if want != nil && *want != got {
			diff(key, *want, got)
		}
	}
	text("state", e.State, t.State)
	text("priority", e.Priority, t.Priority)
	text("team", e.Team, t.Team)
	text("assignee", e.Assignee, t.Assignee)
	text("requester", e.Requester, t.Requester)
	text("title", e.Title, t.Title)
	if e.Parent != nil {
		text("parent", ptr(r.resolve(*e.Parent)), t.Parent)
	}
	if e.Open != nil && *e.Open != t.Open {
		diff("open", *e.Open, t.Open)
	}
	if e.Due != nil {
		// The deadline of the SLA goal that falls due first; the ticket's
		// due field may hold the warning before it.
		got := "none"
		if c, err := engine.SLAClock(t); err == nil && c != nil {
			var next time.Time
			for _, g := range c.Targets {
				if g.Open() && !g.Due.IsZero() && (next.IsZero() || g.Due.Before(next)) {
					next = g.Due
				}
			}
			if !next.IsZero() {
				got = next.UTC().Format(time.RFC3339)
			}
		}
		want := *e.Due
		if w, err := time.Parse(time.RFC3339, want); err == nil {
			want = w.UTC().Format(time.RFC3339)
			if g, err := time.Parse(time.RFC3339, got); err == nil {
				got = g.UTC().Format(time.RFC3339)
			}
		}
		if want != got {
			diff("due", want, got)
		}
	}
	for _, k := range sortedKeys(e.Fields) {
		if d := compareValue(e.Fields[k], t.Data[k]); d != "" {
			fail(e.pos["fields."+k], "fields.%s: %s", k, d)
		}
	}
	if e.WaitsFor != nil {
		got := "none"
		if p := engine.PendingApproval(t); p != nil && len(p.Approvers) < len(p.Steps) {
			got = p.Steps[len(p.Approvers)]
		}
		if got != *e.WaitsFor {
			diff("waits_for", *e.WaitsFor, got)
		}
	}
	for _, l := range e.Links {
		target := r.resolve(l)
		if !hasLink(t, target) {
			fail(e.pos["links"], "links: want a link to %s, got %s", target, show(linkTargets(t)))
		}
	}
	if e.Notify != nil {
		got := []string{}
		for _, n := range queued {
			got = append(got, n.Notification)
		}
		left := append([]string(nil), got...)
		for _, want := range e.Notify {
			i := indexOf(left, want)
			if i < 0 {
				fail(e.pos["notify"], "notify: want a mail %s queued by this step, got %s", want, show(got))
				continue
			}
			left = append(left[:i], left[i+1:]...)
		}
	}
	if e.Children != nil {
		r.checkChildren(ctx, e, t, fail)
	}
	if e.Comments != nil {
		r.checkComments(ctx, e, t, fail)
	}
}

func ptr(s string) *string { return &s }

func hasLink(t *ticket.Ticket, target string) bool {
	for _, l := range t.Links {
		if l.Target == target {
			return true
		}
	}
	return false
}

func linkTargets(t *ticket.Ticket) []string {
	out := []string{}
	for _, l := range t.Links {
		out = append(out, l.Target)
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// checkChildren matches the expected children to the ticket's children,
// in any order, and binds the names of matched ones.
func (r *runner) checkChildren(ctx context.Context, e *Expect, t *ticket.Ticket, fail failFunc) {
	pos := e.pos["children"]
	var kids []*ticket.Ticket
	for _, n := range t.Children {
		c, err := r.storeTicket(ctx, n)
		if err != nil {
			fail(pos, "child %s: %v", n, err)
			return
		}
		kids = append(kids, c)
	}
	if len(kids) != len(e.Children) {
		var got []string
		for _, c := range kids {
			got = append(got, c.Process+" "+show(c.Title))
		}
		fail(pos, "children: want %d, got %d: %s", len(e.Children), len(kids), strings.Join(got, ", "))
		return
	}
	used := make([]bool, len(kids))
	for i, want := range e.Children {
		var best string
		matched := false
		for j, c := range kids {
			if used[j] {
				continue
			}
			d := childDiff(want, c)
			if d == "" {
				used[j], matched = true, true
				if want.Name != "" {
					r.names[want.Name] = c.Number
				}
				break
			}
			if best == "" || (want.Process == c.Process && (want.Title == "" || want.Title == c.Title)) {
				best = c.Number + ": " + d
			}
		}
		if !matched {
			fail(pos, "children[%d] (%s %s): no child matches; nearest %s", i, want.Process, show(want.Title), best)
		}
	}
}

func childDiff(want ChildExpect, c *ticket.Ticket) string {
	var out []string
	cmp := func(key, w, g string) {
		if w != "" && w != g {
			out = append(out, fmt.Sprintf("%s: want %s, got %s", key, show(w), show(g)))
		}
	}
	cmp("process", want.Process, c.Process)
	cmp("title", want.Title, c.Title)
	cmp("state", want.State, c.State)
	cmp("team", want.Team, c.Team)
	for _, k := range sortedKeys(want.Fields) {
		if d := compareValue(want.Fields[k], c.Data[k]); d != "" {
			out = append(out, "fields."+k+": "+d)
		}
	}
	return strings.Join(out, "; ")
}

// checkComments matches each expected comment, in order, to a later
// comment of the ticket's history.
func (r *runner) checkComments(ctx context.Context, e *Expect, t *ticket.Ticket, fail failFunc) {
	entries, err := r.w.store.History(ctx, t)
	if err != nil {
		fail(e.pos["comments"], "history: %v", err)
		return
	}
	type comment struct {
		text, by string
		internal bool
	}
	var got []comment
	for _, h := range entries {
		content, err := h.Decode()
		if err != nil {
			fail(e.pos["comments"], "history: %v", err)
			return
		}
		switch x := content.(type) {
		case ticket.Commented:
			got = append(got, comment{x.Text, h.Actor, x.Internal})
		case ticket.Transitioned:
			// A transition's comment is a comment too, internal when
			// staff kept it among themselves.
			if x.Comment != "" {
				got = append(got, comment{x.Comment, h.Actor, x.CommentInternal})
			}
		case ticket.Decision:
			if x.Comment != "" {
				got = append(got, comment{x.Comment, h.Actor, false})
			}
		}
	}
	next := 0
	for i, want := range e.Comments {
		found := false
		for ; next < len(got); next++ {
			c := got[next]
			if strings.Contains(c.text, want.Text) && (want.Internal == nil || *want.Internal == c.internal) && (want.By == "" || want.By == c.by) {
				found, next = true, next+1
				break
			}
		}
		if !found {
			var all []string
			for _, c := range got {
				kind := "public"
				if c.internal {
					kind = "internal"
				}
				all = append(all, fmt.Sprintf("%s by %s %q", kind, c.by, c.text))
			}
			fail(e.pos["comments"], "comments[%d]: want a comment containing %q (in order), got [%s]", i, want.Text, strings.Join(all, "; "))
			return
		}
	}
}

// compareValue compares an expected field value with the stored one and
// describes the difference; null expects the field to be absent.
func compareValue(want, got any) string {
	got = plain(got)
	if want == nil {
		if got != nil {
			return fmt.Sprintf("want absent, got %s", show(got))
		}
		return ""
	}
	if got == nil {
		return fmt.Sprintf("want %s, got absent", show(want))
	}
	if reflect.DeepEqual(plain(want), got) {
		return ""
	}
	return fmt.Sprintf("want %s, got %s", show(want), show(got))
}

// plain brings a stored value into the JSON data model (the driver decodes
// numbers as int32/int64 and lists as bson.A).
func plain(v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "absent"
	}
	b, err := json.Marshal(plain(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// checkMails matches each expected mail with a different mail of the step.
func checkMails(e *Expect, mails []notify.Mail, fail failFunc) {
	if e.Mails == nil {
		return
	}
	left := append([]notify.Mail(nil), mails...)
	for _, want := range e.Mails {
		i := slices.IndexFunc(left, func(m notify.Mail) bool {
			return strings.EqualFold(m.To, want.To) &&
				(want.Notification == "" || m.Notification == want.Notification) &&
				(want.Contains == "" || strings.Contains(m.Subject, want.Contains) || strings.Contains(m.Text, want.Contains))
		})
		if i < 0 {
			got := make([]string, len(mails))
			for j, m := range mails {
				got[j] = fmt.Sprintf("%s (%s): %s", m.To, m.Notification, m.Subject)
			}
			fail(e.pos["mails"], "mails: want a mail to %s%s, got %s", want.To, mailDetail(want), show(got))
			continue
		}
		left = slices.Delete(left, i, i+1)
	}
}

func mailDetail(m MailExpect) string {
	var d []string
	if m.Notification != "" {
		d = append(d, "of "+m.Notification)
	}
	if m.Contains != "" {
		d = append(d, fmt.Sprintf("containing %q", m.Contains))
	}
	if len(d) == 0 {
		return ""
	}
	return " " + strings.Join(d, ", ")
}
