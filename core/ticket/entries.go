package ticket

// Created is the first entry of every ticket.
type Created struct {
	State    string
	Priority string
	Team     string
	// Data is the submitted form data, after create hooks.
	Data map[string]any
	// Parent is set on a child ticket.
	Parent string
	// Assignee is set when a create hook assigned the ticket.
	Assignee string
	// Scripts lists the hooks that changed the ticket ("hook:script");
	// nil when none did.
	Scripts []string
}

func (Created) Kind() string { return EntryCreated }

func (c Created) encode() map[string]any {
	m := map[string]any{"state": c.State, "priority": c.Priority, "team": c.Team, "data": c.Data}
	if c.Parent != "" {
		m["parent"] = c.Parent
	}
	if c.Assignee != "" {
		m["assignee"] = c.Assignee
	}
	if c.Scripts != nil {
		m["scripts"] = anyList(c.Scripts)
	}
	return m
}

func decodeCreated(d *fields) Created {
	return Created{State: d.str("state"), Priority: d.str("priority"), Team: d.str("team"), Data: d.data("data"),
		Parent: d.str("parent"), Assignee: d.str("assignee"), Scripts: d.stringsOrNil("scripts")}
}

// Transitioned records a transition that ran.
type Transitioned struct {
	Transition string
	From, To   string
	Comment    string
	// CommentInternal keeps the comment among staff.
	CommentInternal bool
	// Data is the transition form's data; nil without a form.
	Data    map[string]any
	Changes Changes
	// ApprovalWithdrawn is the pending approval the transition ended.
	ApprovalWithdrawn *ApprovalRecord
}

func (Transitioned) Kind() string { return EntryTransition }

func (t Transitioned) encode() map[string]any {
	m := map[string]any{"transition": t.Transition, "from": t.From, "to": t.To}
	if t.Comment != "" {
		m["comment"] = t.Comment
	}
	if t.CommentInternal {
		m[keyCommentInternal] = true
	}
	if len(t.Data) > 0 {
		m["data"] = t.Data
	}
	if len(t.Changes) > 0 {
		m["changes"] = t.Changes.encode()
	}
	if t.ApprovalWithdrawn != nil {
		m[keyApprovalWithdrawn] = t.ApprovalWithdrawn.encode()
	}
	return m
}

func decodeTransitioned(d *fields) Transitioned {
	t := Transitioned{Transition: d.str("transition"), From: d.str("from"), To: d.str("to"), Comment: d.str("comment"),
		CommentInternal: d.bool(keyCommentInternal), Data: d.data("data"), Changes: d.changes("changes")}
	if w := d.sub(keyApprovalWithdrawn); w != nil {
		t.ApprovalWithdrawn = &ApprovalRecord{Transition: w.str("transition"), Steps: w.strings("steps"), Approvers: w.strings("approvers")}
		d.keep(w)
	}
	return t
}

// Commented is a comment by staff, a script or (as a citizen reply) the
// citizen who filed the ticket.
type Commented struct {
	Text     string
	Internal bool
	Files    []string
	// ByScript marks a comment a script wrote.
	ByScript bool
	// Citizen marks a citizen's reply through the tracking link.
	Citizen bool
	// MessageID is the Message-ID of the e-mail the comment came in as;
	// a message read twice finds its comment by it.
	MessageID string
}

func (c Commented) Kind() string {
	if c.Citizen {
		return EntryCitizenReply
	}
	return EntryComment
}

func (c Commented) encode() map[string]any {
	m := map[string]any{"text": c.Text, "internal": c.Internal}
	if len(c.Files) > 0 {
		m["files"] = anyList(c.Files)
	}
	if c.ByScript {
		m["by_script"] = true
	}
	if c.MessageID != "" {
		m["message_id"] = c.MessageID
	}
	return m
}

func decodeCommented(kind string, d *fields) Commented {
	return Commented{Text: d.str("text"), Internal: d.bool("internal"), Files: d.stringsOrNil("files"),
		ByScript: d.bool("by_script"), Citizen: kind == EntryCitizenReply, MessageID: d.str("message_id")}
}

// Assigned records a change of assignee; New is empty when the ticket was
// given back.
type Assigned struct{ Old, New string }

func (Assigned) Kind() string { return EntryAssigned }

func (a Assigned) encode() map[string]any { return map[string]any{"old": a.Old, "new": a.New} }

// Linked records a link added to the ticket.
type Linked struct{ Link Link }

func (Linked) Kind() string { return EntryLinked }

func (l Linked) encode() map[string]any {
	return map[string]any{"kind": l.Link.Kind, "target": l.Link.Target}
}

// ScriptRan records what a hook script outside a create or transition
// changed.
type ScriptRan struct {
	Hook, Script string
	Changes      Changes
}

func (ScriptRan) Kind() string { return EntryScript }

func (s ScriptRan) encode() map[string]any {
	return map[string]any{"hook": s.Hook, "script": s.Script, "changes": s.Changes.encode()}
}

// ScriptFailed records a script error that stopped a change.
type ScriptFailed struct {
	Script, Module, Hook string
	Line                 int
	Message              string
}

func (ScriptFailed) Kind() string { return EntryScriptFailed }

func (s ScriptFailed) encode() map[string]any {
	return map[string]any{"script": s.Script, "module": s.Module, "hook": s.Hook, "line": s.Line, "message": s.Message}
}

// ChildCreated records a child ticket created for this one.
type ChildCreated struct{ Child, Process string }

func (ChildCreated) Kind() string { return EntryChildCreated }

func (c ChildCreated) encode() map[string]any {
	return map[string]any{"child": c.Child, "process": c.Process}
}

// ChildFailed records a child ticket that could not be created; it is
// always internal.
type ChildFailed struct {
	Process, Reason string
	// Effect is the id of the queued work that failed.
	Effect string
}

func (ChildFailed) Kind() string { return EntryChildFailed }

func (c ChildFailed) encode() map[string]any {
	return map[string]any{"process": c.Process, "reason": c.Reason, "effect": c.Effect, "internal": true}
}

// ClosedByParent records a child ticket closed because its parent ended.
type ClosedByParent struct{ Parent, From, To string }

func (ClosedByParent) Kind() string { return EntryClosedByParent }

func (c ClosedByParent) encode() map[string]any {
	return map[string]any{"parent": c.Parent, "from": c.From, "to": c.To}
}

// Unknown is an entry of a kind this version does not know; it keeps the
// stored data as it is.
type Unknown struct {
	Type string
	Data map[string]any
}

func (u Unknown) Kind() string { return u.Type }

func (u Unknown) encode() map[string]any { return u.Data }
