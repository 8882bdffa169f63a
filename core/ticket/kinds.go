package ticket

// History entry kinds, as stored in HistoryEntry.Type.
const (
	EntryCreated           = "created"
	EntryTransition        = "transition"
	EntryComment           = "comment"
	EntryCitizenReply      = "citizen_reply"
	EntryAssigned          = "assigned"
	EntryLinked            = "linked"
	EntryApprovalRequested = "approval_requested"
	EntryApproved          = "approved"
	EntryRejected          = "rejected"
	EntrySLAWarning        = "sla_warning"
	EntrySLABreach         = "sla_breach"
	// EntryScript records what a script changed outside a create or a
	// transition (an SLA hook, a job).
	EntryScript = "script"
	// EntryScriptFailed records a script error that stopped a change, so
	// staff see why nothing happened.
	EntryScriptFailed   = "script_failed"
	EntryChildCreated   = "child_created"
	EntryClosedByParent = "closed_by_parent"
	// EntryChildFailed records a child ticket that could not be created.
	EntryChildFailed = "child_failed"
	// EntryMigrated records a Migration moving the ticket to changed
	// definitions.
	EntryMigrated = "migrated"
	// EntryAnonymised records personal values removed from the ticket
	// and its history (retention or a data subject's request).
	EntryAnonymised = "anonymised"
	// EntrySealed records the migration of history written before
	// values were sealed.
	EntrySealed = "sealed"
	// EntryLegalHold records a legal hold put on or taken off.
	EntryLegalHold = "legal_hold"
)

// Keys of the stored entry data that more than one entry kind shares.
const (
	keyCommentInternal   = "comment_internal"
	keyApprovalWithdrawn = "approval_withdrawn"
)
