package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/store"
)

// vorgang outbox discard marks the queued work of one definition version
// failed and leaves other versions' work alone.
func TestOutboxDiscard(t *testing.T) {
	dir := t.TempDir()
	st, err := app.OpenStore(t.Context(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, version := range []string{"abcdef0123456789", "abcdef0123456789", "9876543210fedcba"} {
		item := &store.OutboxItem{ID: "create_child/X-" + string(rune('1'+i)), Kind: "create_child",
			Payload: map[string]any{"ticket": "X-1", "catalog": version}}
		if err := st.Enqueue(t.Context(), item, time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"outbox", "discard", "--version", "abc", "--data", dir}, 2, ""},
		{[]string{"outbox", "discard", "--data", dir}, 2, ""},
		{[]string{"outbox", "list"}, 2, ""},
		{[]string{"outbox", "discard", "--version", "abcdef01", "--data", dir}, 0, "discarded 2 queued effects of definition version abcdef01"},
		{[]string{"outbox", "discard", "--version", "abcdef01", "--data", dir}, 0, "discarded 0 queued effects"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), tt.args, &out, &errOut); code != tt.code || !strings.Contains(out.String(), tt.out) {
			t.Fatalf("%v: exit %d, %q %q; want %d %q", tt.args, code, out.String(), errOut.String(), tt.code, tt.out)
		}
	}
	st, err = app.OpenStore(t.Context(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(t.Context())
	pending, _, err := st.ListOutbox(t.Context(), store.OutboxQuery{State: store.OutboxPending})
	if err != nil || len(pending) != 1 || pending[0].Payload["catalog"] != "9876543210fedcba" {
		t.Fatalf("pending after the discard: %+v, %v", pending, err)
	}
}
