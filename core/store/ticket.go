package store

import (
	"fmt"
	"time"
)

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

// Ticket is the stored form of a ticket; docs/data-model.md explains each
// field. The engine owns its meaning; the store keeps it consistent with
// the ticket's history and answers the indexed queries over it.
type Ticket struct {
	Number  string `bson:"_id"`
	Process string `bson:"process"`
	// Catalog is the hash of the definitions the ticket started on.
	Catalog string `bson:"catalog"`
	// Version counts the ticket's changes; history entry N is change N.
	Version int64 `bson:"version"`

	Title    string `bson:"title"`
	State    string `bson:"state"`
	Category string `bson:"category"`
	// Open is true while the state's category is open: such tickets are in
	// inboxes, counts and the SLA sweep.
	Open     bool   `bson:"open"`
	Priority string `bson:"priority"`

	Team      string `bson:"team,omitempty"`
	Assignee  string `bson:"assignee,omitempty"`
	Requester string `bson:"requester,omitempty"`
	// Tracking is the citizen's secret tracking token (unique when set).
	Tracking string `bson:"tracking,omitempty"`
	// Due is the next SLA deadline as SortTime text, NoDue when none runs.
	Due string `bson:"due"`

	Created time.Time `bson:"created"`
	Updated time.Time `bson:"updated"`

	Parent   string   `bson:"parent,omitempty"`
	Children []string `bson:"children,omitempty"`
	Links    []Link   `bson:"links,omitempty"`

	Data map[string]any `bson:"data,omitempty"`
	// Ext holds engine-owned sub-documents (SLA clocks, approvals) the
	// store does not interpret.
	Ext map[string]any `bson:"ext,omitempty"`

	// HistoryHash is the hash of the latest history entry: the head of the
	// ticket's tamper-evident chain.
	HistoryHash string `bson:"history_hash,omitempty"`
}

// Link relates a ticket to another ticket or an asset.
type Link struct {
	Kind   string `bson:"kind"` // related, asset, duplicate_of ...
	Target string `bson:"target"`
}

// HistoryEntry records one change of a ticket. Entry N of a ticket has _id
// "<number>/<N as 8 digits>" and is written before the ticket's version
// becomes N, so its insert is the claim on that version.
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
}

// HistoryID is the _id of entry seq of ticket number.
func HistoryID(number string, seq int64) string {
	return fmt.Sprintf("%s/%08d", number, seq)
}

// TicketHead is the part of a ticket lists show.
type TicketHead struct {
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
