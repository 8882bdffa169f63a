package ticket

import (
	"reflect"
	"testing"
)

// kv is shaped like the driver's ordered document element.
type kv struct {
	Key   string
	Value any
}

func TestEntriesRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		entry Entry
	}{
		{"created by a hook", Created{State: "new", Priority: "high", Team: "it", Data: map[string]any{"a": "b"}, Assignee: "ben", Scripts: []string{"on_create:x"}}},
		{"created without hooks", Created{State: "new", Priority: "medium", Data: map[string]any{}}},
		{"transition with everything", Transitioned{Transition: "close", From: "a", To: "b", Comment: "ok", CommentInternal: true,
			Data: map[string]any{"note": "x"}, Changes: Changes{"team": {Old: "a", New: "b"}, "data.note": {Old: nil, New: "x"}},
			ApprovalWithdrawn: &ApprovalRecord{Transition: "approve", Steps: []string{"lead"}, Approvers: []string{}}}},
		{"script changes of form data", ScriptRan{Hook: "on_sla_breach", Script: "s", Changes: Changes{"data": {Fields: map[string]Change{"route": {Old: "A", New: "B"}}}}}},
		{"internal comment", Commented{Text: "x", Internal: true, ByScript: true}},
		{"citizen reply", Commented{Text: "x", Files: []string{"f"}, Citizen: true}},
		{"assigned", Assigned{Old: "", New: "ben"}},
		{"linked", Linked{Link: Link{Kind: "asset", Target: "PC-1"}}},
		{"approval requested", ApprovalRequested{Transition: "t", Steps: []string{"a", "b"}}},
		{"last approval", Decision{Approved: true, Transition: "t", Step: "b", Override: true, Comment: "c", From: "x", To: "y", Approvers: []string{"l", "h"}}},
		{"rejection", Decision{Transition: "t", Step: "a", Reason: "no", From: "x", To: "z"}},
		{"SLA breach", SLAEvents{Breach: true, Events: []SLAEvent{{Goal: "resolution", Kind: "breach", Due: "2026-12-01T08:00:00Z"}}, Changes: Changes{"assignee": {Old: "ben", New: ""}}}},
		{"script failed", ScriptFailed{Script: "s", Hook: "h", Line: 2, Message: "m"}},
		{"child created", ChildCreated{Child: "C-1", Process: "p"}},
		{"child failed", ChildFailed{Process: "p", Reason: "r", Effect: "e"}},
		{"closed by parent", ClosedByParent{Parent: "P-1", From: "a", To: "b"}},
		{"migrated", Migrated{Migration: "m", From: "eingang", To: "neu", Renamed: map[string]string{"betreff": "summary"},
			Changes: Changes{"data": {Fields: map[string]Change{"kategorie": {Old: nil, New: "sonstiges"}}}}}},
		{"migrated in its state", Migrated{Migration: "m", From: "neu", To: "neu", Renamed: map[string]string{"a": "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewEntry("ben", tt.entry)
			got, err := h.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.entry) {
				t.Fatalf("decoded %#v\nwant %#v", got, tt.entry)
			}
			if again := got.encode(); !reflect.DeepEqual(again, h.Data) {
				t.Fatalf("encoded again %#v\nwant %#v", again, h.Data)
			}
		})
	}
}

func TestDecodeDatabaseShapes(t *testing.T) {
	h := HistoryEntry{Type: EntrySLAWarning, Data: map[string]any{
		"events":  []kv{{"goal", "resolution"}}, // not a list of documents
		"changes": []kv{{"team", []kv{{"old", "a"}, {"new", "b"}}}},
	}}
	if _, err := h.Decode(); err == nil {
		t.Fatal("a list of key-value pairs decoded as SLA events")
	}
	h.Data["events"] = []any{[]kv{{"goal", "resolution"}, {"kind", "warning"}, {"due", "2026-12-01T08:00:00Z"}}}
	e, err := h.Decode()
	if err != nil {
		t.Fatal(err)
	}
	s := e.(SLAEvents)
	if len(s.Events) != 1 || s.Events[0].Goal != "resolution" || s.Changes["team"].New != "b" {
		t.Fatalf("decoded %+v", s)
	}
	bad := HistoryEntry{Type: EntryScriptFailed, Data: map[string]any{"line": "two"}}
	if _, err := bad.Decode(); err == nil {
		t.Fatal("a line that is no number decoded")
	}
	if e, err := (&HistoryEntry{Type: "future_kind", Data: map[string]any{"x": 1}}).Decode(); err != nil || e.Kind() != "future_kind" {
		t.Fatalf("unknown kind: %v, %v", e, err)
	}
}

func TestCommentInternal(t *testing.T) {
	tests := []struct {
		name     string
		entry    Entry
		internal bool
	}{
		{"internal comment", Commented{Text: "x", Internal: true}, true},
		{"public comment", Commented{Text: "x"}, false},
		{"transition with an internal comment", Transitioned{Comment: "x", CommentInternal: true}, true},
		{"transition with a public comment", Transitioned{Comment: "x"}, false},
	}
	for _, tt := range tests {
		if got := NewEntry("a", tt.entry).CommentInternal(); got != tt.internal {
			t.Errorf("%s: CommentInternal() = %v", tt.name, got)
		}
	}
}

func TestApprovalState(t *testing.T) {
	var tk Ticket
	if tk.Approval() != nil || len(tk.Deciders()) != 0 {
		t.Fatal("a new ticket has approval state")
	}
	want := &ApprovalRecord{Transition: "t", Steps: []string{"a", "manager"}, Approvers: []string{"lena"}, Comment: "c", Manager: "max"}
	tk.SetApproval(want)
	tk.SetDeciders([]string{"lena"})
	if got := tk.Approval(); !reflect.DeepEqual(got, want) {
		t.Fatalf("approval %+v, want %+v", got, want)
	}
	if got := tk.Deciders(); !reflect.DeepEqual(got, []string{"lena"}) {
		t.Fatalf("deciders %v", got)
	}
	tk.SetApproval(nil)
	if tk.Approval() != nil {
		t.Fatal("approval not removed")
	}
}
