package ticket

import "time"

// NoDue is the due value of tickets without a running deadline. A fixed
// latest time (rather than a missing field) sorts them last on MongoDB and
// on the embedded store alike.
const NoDue = "9999-12-31T23:59:59Z"

// SortTime renders t as the fixed-width UTC text stored in sortable
// fields such as due. The embedded store's indexes compare values as JSON
// text, and for this format text order is time order.
func SortTime(t time.Time) string {
	if t.IsZero() {
		return NoDue
	}
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}
