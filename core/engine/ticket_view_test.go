package engine_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// TestTicketView: the view of a ticket carries what its viewer may do on
// it, by the rules the engine applies when they try.
func TestTicketView(t *testing.T) {
	t.Parallel()
	f, tk := annasIncident(t)
	ctx := t.Context()
	ids := func(v *engine.TicketView) []string {
		var out []string
		for _, tr := range v.May.Runnable {
			out = append(out, tr.ID.Value)
		}
		return out
	}
	for _, tt := range []struct {
		name                   string
		actor                  *auth.Principal
		take, assign, internal bool
		runs                   string
	}{
		{"team member", ben, true, false, true, "start"},
		{"requester", anna, false, false, false, "cancel"},
		{"administrator", root, true, true, true, "start"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := f.eng.View(ctx, tt.actor, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			if v.May.Take != tt.take || v.May.Assign != tt.assign || v.May.CommentInternal != tt.internal {
				t.Errorf("take %v assign %v internal %v, want %v %v %v", v.May.Take, v.May.Assign, v.May.CommentInternal, tt.take, tt.assign, tt.internal)
			}
			if got := ids(v); !slices.Contains(got, tt.runs) {
				t.Errorf("runnable %v, want %q", got, tt.runs)
			}
		})
	}
	if _, err := f.eng.View(ctx, carla, tk.Number); !errors.Is(err, fault.NotFound) {
		t.Errorf("another team's view: %v, want not found", err)
	}
	if _, err := f.eng.Assign(ctx, ben, tk.Number, 0, "ben", "de"); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.eng.View(ctx, ben, tk.Number); v.May.Take {
		t.Errorf("ben may take the ticket he has")
	}
}

// TestTicketFile: a file is read through a ticket only when what its
// reader sees of the ticket refers to it.
func TestTicketFile(t *testing.T) {
	t.Parallel()
	f, tk := annasIncident(t)
	ctx := t.Context()
	for _, id := range []string{"att-internalnote", "att-unrelated01"} {
		a := &store.Attachment{ID: id, Name: id + ".txt", ContentType: "text/plain", UploadedBy: "user:ben"}
		if err := f.store.PutAttachment(ctx, a, bytes.NewReader([]byte("Inhalt "+id)), 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.eng.CommentWithFiles(ctx, ben, tk.Number, 0, "Log anbei", true, []string{"att-internalnote"}, "de"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		actor *auth.Principal
		file  string
		ok    bool
	}{
		{"staff read the file of an internal comment", ben, "att-internalnote", true},
		{"the requester does not see the internal comment", anna, "att-internalnote", false},
		{"a file the ticket does not refer to", ben, "att-unrelated01", false},
		{"another team", carla, "att-internalnote", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			a, err := f.eng.TicketFile(ctx, tt.actor, tk.Number, tt.file, &buf)
			if !tt.ok {
				if !errors.Is(err, fault.NotFound) || buf.Len() != 0 {
					t.Fatalf("read %q, %v; want not found", buf.String(), err)
				}
				return
			}
			if err != nil || a.Name != tt.file+".txt" || buf.String() != "Inhalt "+tt.file {
				t.Fatalf("read %v %q, %v", a, buf.String(), err)
			}
		})
	}
}

// annasIncident is a fixture with one unassigned IT incident anna reported.
func annasIncident(t *testing.T) (fixture, *ticket.Ticket) {
	f := newFixture(t)
	tk, err := f.eng.Create(t.Context(), anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
	if err != nil {
		t.Fatal(err)
	}
	return f, tk
}
