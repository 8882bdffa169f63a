package ticket

import "time"

// Ticket is the stored form of a ticket; docs/data-model.md explains each
// field. The engine owns its meaning; the store keeps it consistent with
// the ticket's history and answers the indexed queries over it.
type Ticket struct {
	Number  string `bson:"_id"`
	Process string `bson:"process"`
	// Catalog is the hash of the definitions the ticket started on.
	Catalog string `bson:"catalog"`
	// ClosedOn is the hash of the definitions in service when the ticket
	// stopped being open, so it is shown with them after they changed;
	// empty while it is open.
	ClosedOn string `bson:"closed_on,omitempty"`
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
	// Due is the next SLA deadline as the store's sortable time text, the
	// store's "no due" value when none runs.
	Due string `bson:"due"`

	Created time.Time `bson:"created"`
	Updated time.Time `bson:"updated"`

	Parent   string   `bson:"parent,omitempty"`
	Children []string `bson:"children,omitempty"`
	Links    []Link   `bson:"links,omitempty"`

	Data map[string]any `bson:"data,omitempty"`
	// Ext holds engine-owned sub-documents under the Ext* keys: the SLA
	// clock, a pending approval and who decided approvals. Approval and
	// Deciders read them typed.
	Ext map[string]any `bson:"ext,omitempty"`

	// Migrations lists the Migrations applied to the ticket, so none is
	// applied twice (a resumed run, or a transform that is not idempotent).
	Migrations []string `bson:"migrations,omitempty"`

	// HistoryHash is the hash of the latest history entry: the head of the
	// ticket's tamper-evident chain.
	HistoryHash string `bson:"history_hash,omitempty"`

	// ClosedAt is when the ticket last stopped being open (zero while it
	// is open, and for tickets closed before it was recorded: their last
	// change counts instead). Retention counts from it.
	ClosedAt time.Time `bson:"closed_at,omitempty"`
	// LegalHold keeps retention away from the ticket: nothing is removed
	// while it is set.
	LegalHold bool `bson:"legal_hold,omitempty"`
	// Retained lists the retention rules applied to the ticket, so none
	// is applied twice.
	Retained []string `bson:"retained,omitempty"`
	// Activity is the ticket's last activity, kept by a change that is
	// none (an anonymisation, see KeepActivity) for the version it left,
	// ActivityVersion. Updated still moves with every change (readers
	// that catch up on changes go by it).
	Activity        time.Time `bson:"activity,omitempty"`
	ActivityVersion int64     `bson:"activity_version,omitempty"`
}

// LastActivity is when the ticket last changed by anything but an
// anonymisation: Updated, unless the last change was one (KeepActivity).
// Retention's last_activity rules count from it.
func (t *Ticket) LastActivity() time.Time {
	if t.ActivityVersion != 0 && t.ActivityVersion == t.Version && !t.Activity.IsZero() {
		return t.Activity
	}
	return t.Updated
}

// KeepActivity is called on the ticket as read before a change that is
// no activity (an anonymisation) moves Updated: LastActivity stays what
// it was until the next change.
func (t *Ticket) KeepActivity() {
	t.Activity, t.ActivityVersion = t.LastActivity(), t.Version+1
}

// Link relates a ticket to another ticket or an asset.
type Link struct {
	Kind   string `bson:"kind"` // related, asset, duplicate_of ...
	Target string `bson:"target"`
}
