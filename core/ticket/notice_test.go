package ticket

import (
	"reflect"
	"testing"
)

// docM and listA are shaped like the driver's bson.M and bson.A, which an
// outbox item's payload decodes into.
type (
	docM  map[string]any
	listA []any
)

func TestNoticeRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		notice Notice
	}{
		{"public comment", Notice{Event: "ticket.commented", Actor: "ben", Comment: "Erledigt."}},
		{"internal comment", Notice{Event: "ticket.commented", Actor: "ben", Internal: true}},
		{"transition", Notice{Event: "ticket.transitioned", Actor: "ben", Transition: "resolve", Comment: "ok"}},
		{"SLA", Notice{Event: "sla.breach", SLA: []SLAEvent{{Goal: "resolution", Kind: "breach", Due: "2026-12-01T08:00:00Z"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeNotice(tt.notice.Encode())
			if err != nil || !reflect.DeepEqual(got, tt.notice) {
				t.Fatalf("decoded %+v, %v; want %+v", got, err, tt.notice)
			}
		})
	}
}

func TestDecodeNoticeFromTheDatabase(t *testing.T) {
	ef, err := DecodeEffect(map[string]any{"spec": docM{"event": "sla.warning", "actor": "vorgang",
		"sla": listA{docM{"goal": "first_response", "kind": "warning", "due": "2026-11-30T14:48:00Z"}}}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := DecodeNotice(ef.Spec)
	if err != nil || n.Event != "sla.warning" || len(n.SLA) != 1 || n.SLA[0].Goal != "first_response" {
		t.Fatalf("decoded %+v, %v", n, err)
	}
	if n, err := DecodeNotice(nil); err != nil || n.Event != "" {
		t.Fatalf("a notification without details: %+v, %v", n, err)
	}
	if _, err := DecodeEffect(map[string]any{"spec": "text"}); err == nil {
		t.Fatal("a text decoded as a notice")
	}
	if _, err := DecodeNotice(map[string]any{"sla": listA{"x"}}); err == nil {
		t.Fatal("an SLA event that is no document decoded")
	}
}

func TestEffectRoundTrip(t *testing.T) {
	e := Effect{Ticket: "INC-1", Seq: 3, Hash: "abc", Target: "mail", Event: EntryComment, Catalog: "v1",
		Spec: Notice{Event: "ticket.commented"}.Encode()}
	got, err := DecodeEffect(e.Encode())
	if err != nil || !reflect.DeepEqual(got, e) {
		t.Fatalf("decoded %+v, %v; want %+v", got, err, e)
	}
	stored := map[string]any{"ticket": "INC-1", "seq": int32(3), "spec": docM{"event": "x"}}
	if got, err := DecodeEffect(stored); err != nil || got.Seq != 3 || got.Spec["event"] != "x" {
		t.Fatalf("from the database: %+v, %v", got, err)
	}
	if _, err := DecodeEffect(map[string]any{"seq": "3"}); err == nil {
		t.Fatal("a sequence number that is text decoded")
	}
}
