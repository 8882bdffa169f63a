package ticket

// Query selects open (or, with Closed, finished) tickets of one team,
// assignee or requester. Exactly one of Team, Assignee and Requester is
// set. Results are sorted by due time, then number; finished tickets have
// no due time, so they come in number order.
type Query struct {
	Team      string
	Assignee  string
	Requester string

	// Optional filters; empty means any.
	States     []string
	Priorities []string
	Process    string
	// Text is a piece of the title or of the number, matched
	// case-insensitively.
	Text string
	// Closed selects tickets that are no longer open (resolved, closed or
	// cancelled) instead of the open ones.
	Closed bool

	// After is the Cursor of the last row of the previous page.
	After string
	// Limit is the page size (default 50; the store returns at most
	// its page maximum).
	Limit int
}

// Head is the part of a ticket lists show.
type Head struct {
	Number    string
	Process   string
	Title     string
	State     string
	Priority  string
	Team      string
	Assignee  string
	Requester string
	Due       string
	Updated   string
}

// Cursor identifies a row's place in due order, for paging.
func (h Head) Cursor() string { return h.Due + "|" + h.Number }
