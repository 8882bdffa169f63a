package store

import (
	"reflect"
	"testing"
	"time"

	"vorgang/core/ticket"
)

// TestReadsPlainValues checks that free-form values come back as plain Go
// values, so no package above the store sees the driver's types.
func TestReadsPlainValues(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		at := time.Date(2026, 11, 27, 9, 30, 0, 123e6, time.UTC)
		values := map[string]any{
			"text": "Raum 204", "small": 7, "big": int64(1) << 40, "ratio": 0.5, "yes": true, "none": nil,
			"at": at, "list": []any{"a", 1, map[string]any{"k": []any{at}}},
			"doc": map[string]any{"inner": map[string]any{"n": 2}},
		}
		want := map[string]any{
			"text": "Raum 204", "small": int64(7), "big": int64(1) << 40, "ratio": 0.5, "yes": true, "none": nil,
			"at": at, "list": []any{"a", int64(1), map[string]any{"k": []any{at}}},
			"doc": map[string]any{"inner": map[string]any{"n": int64(2)}},
		}
		tk := newTicket("INC-2026-000001")
		tk.Data = values
		tk.Ext = map[string]any{"sla": values}
		if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "anna", Type: "created", Data: values}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Ticket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := s.History(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		for name, m := range map[string]map[string]any{"data": got.Data, "ext": asMap(got.Ext["sla"]), "history data": hist[0].Data} {
			if !reflect.DeepEqual(m, want) {
				t.Errorf("%s = %#v\nwant %#v", name, m, want)
			}
		}
	})
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
