package definition

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Retention is one rule of how long a process's tickets keep personal
// data: after After (calendar time) counted from From, the rule
// anonymises the listed fields and the requester and deletes the
// attachments, or deletes the whole ticket (Delete). A ticket under legal
// hold is left alone.
type Retention struct {
	ID Ref `yaml:"id"`
	// After is how long: a number and d (days), w (weeks), mo (months)
	// or y (years), in calendar time, e.g. 90d, 6mo, 10y.
	After Ref `yaml:"after"`
	// From is what After counts from: closed (default; open tickets are
	// never due), created, or last_activity (the ticket's last change but
	// an anonymisation, ticket.Ticket.LastActivity).
	From Ref `yaml:"from"`
	// Anonymise lists form fields whose values are removed.
	Anonymise []Ref `yaml:"anonymise"`
	// Requester removes who filed the ticket (address, tracking link,
	// their replies) and every field the forms declare personal.
	Requester bool `yaml:"requester"`
	// Attachments deletes the ticket's files and removes their names and
	// ids from the ticket and its history.
	Attachments bool `yaml:"attachments"`
	// Delete deletes the ticket as a whole: its record, history, files
	// and links. A tombstone (number, process, rule, time, the digest of
	// the last history entry) stays as evidence. It is the rule's only
	// action: removing values first would be undone with the ticket.
	Delete bool `yaml:"delete"`
}

// Retention counting points (Retention.From).
const (
	RetainFromClosed       = "closed"
	RetainFromCreated      = "created"
	RetainFromLastActivity = "last_activity"
)

var retentionAfter = regexp.MustCompile(`^([1-9][0-9]{0,4})(d|w|mo|y)$`)

// Due returns when the rule is due for a ticket whose counting point is
// at (for From).
func (r *Retention) Due(at time.Time) (time.Time, error) {
	m := retentionAfter.FindStringSubmatch(r.After.Value)
	if m == nil {
		return time.Time{}, fmt.Errorf("retention '%s': after '%s' is not a number with d, w, mo or y", r.ID.Value, r.After.Value)
	}
	n, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "d":
		return at.AddDate(0, 0, n), nil
	case "w":
		return at.AddDate(0, 0, 7*n), nil
	case "mo":
		return at.AddDate(0, n, 0), nil
	default:
		return at.AddDate(n, 0, 0), nil
	}
}

// CountsFrom is From with its default.
func (r *Retention) CountsFrom() string {
	if r.From.Value == "" {
		return RetainFromClosed
	}
	return r.From.Value
}

// checkRetention checks what the schema cannot of a process's retention
// rules: fields of the process's forms, something to do, unique ids.
func (b *builder) checkRetention(p *Process, r reporter) {
	ids := make([]Ref, len(p.Retention))
	fields := b.processFields(p)
	for i := range p.Retention {
		rule := &p.Retention[i]
		ids[i] = rule.ID
		// The schema checks the shape of after and from.
		for _, f := range rule.Anonymise {
			if fields == nil {
				break // the form is unknown: reported on its own
			}
			if _, ok := fields[f.Value]; !ok {
				r.errorf(f.Pos, "unknown_field", "retention '%s': the forms of process '%s' have no field '%s'%s", rule.ID.Value, p.ID.Value, f.Value, suggest(f.Value, fields.names()))
			}
		}
		removes := len(rule.Anonymise) > 0 || rule.Requester || rule.Attachments
		switch {
		case rule.Delete && removes:
			r.errorf(rule.ID.Pos, "retention_delete_with_removals", "retention '%s' deletes the ticket: anonymise, requester and attachments are implied, leave them out", rule.ID.Value)
		case !rule.Delete && !removes:
			r.errorf(rule.ID.Pos, "retention_without_action", "retention '%s' removes nothing: list fields under anonymise, set requester or attachments, or delete", rule.ID.Value)
		}
	}
	uniqueRefs(r, "retention", ids)
}
