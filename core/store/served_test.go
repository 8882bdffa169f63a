package store

import (
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// Served decides from the declared indexes alone whether MongoDB answers a
// command without a collection scan or an in-memory sort; these are the
// commands as the driver sends them.
func TestServedFollowsEqualitySortRange(t *testing.T) {
	reg, err := newRegistry(ownSchema, Schema{{Name: "users", Shapes: []QueryShape{{Name: "users.all", Scans: true}}}})
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{schema: reg}
	cursor := bson.A{
		bson.D{{Key: "due", Value: bson.D{{Key: "$gt", Value: "d"}}}},
		bson.D{{Key: "due", Value: "d"}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: "IT-1"}}}},
	}
	text := bson.E{Key: "$and", Value: bson.A{bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "title", Value: primitive.Regex{Pattern: "x", Options: "i"}}}}}}}}
	tests := []struct {
		name string
		cmd  string
		doc  bson.D
		// want is the index or declared scan that serves the query; ""
		// when none does, and then wantNeeds is the index the message asks
		// for.
		want, wantNeeds string
		wantErr         error
	}{
		{name: "inbox page after a cursor", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "open", Value: true}, {Key: "team", Value: "t"}, {Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{"new"}}}}, text, {Key: "$or", Value: cursor}}},
			{Key: "sort", Value: bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}}},
			want: "index open_1_team_1_due_1__id_1"},
		{name: "sorted by a field the index does not continue with", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "open", Value: true}, {Key: "team", Value: "t"}}},
			{Key: "sort", Value: bson.D{{Key: "priority", Value: 1}}}},
			wantNeeds: "open, team, priority", wantErr: ErrNotServed},
		{name: "range before the sort", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "updated", Value: bson.D{{Key: "$gt", Value: 1}}}}},
			{Key: "sort", Value: bson.D{{Key: "due", Value: 1}}}},
			wantNeeds: "due, updated", wantErr: ErrNotServed},
		{name: "a field no index starts with", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "requester", Value: "r"}}}},
			wantNeeds: "requester", wantErr: ErrNotServed},
		{name: "nothing to filter or sort by", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"}, {Key: "filter", Value: bson.D{}}},
			wantNeeds: "(a filter", wantErr: ErrNotServed},
		{name: "alternatives in an $or", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "team", Value: "t"}}, bson.D{{Key: "assignee", Value: "u"}}}}}},
			{Key: "sort", Value: bson.D{{Key: "due", Value: 1}}}},
			wantNeeds: "due", wantErr: ErrNotServed},
		{name: "a page in _id order", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: "IT-1"}}}}},
			{Key: "sort", Value: bson.D{{Key: "_id", Value: 1}}}},
			want: "index _id_1"},
		{name: "a unique key needs no sort", cmd: "find", doc: bson.D{{Key: "find", Value: "tickets"},
			{Key: "filter", Value: bson.D{{Key: "tracking", Value: "tok"}}}, {Key: "sort", Value: bson.D{{Key: "_id", Value: 1}}}},
			want: "index tracking_1"},
		{name: "a declared scan named in the comment", cmd: "find", doc: bson.D{{Key: "find", Value: "users"},
			{Key: "filter", Value: bson.D{}}, {Key: "comment", Value: "users.all"}},
			want: "declared scan users.all"},
		{name: "a comment naming no declared shape", cmd: "find", doc: bson.D{{Key: "find", Value: "users"},
			{Key: "filter", Value: bson.D{}}, {Key: "comment", Value: "users.by_mail"}},
			wantErr: ErrUnregistered},
		{name: "delete of old lease records", cmd: "delete", doc: bson.D{{Key: "delete", Value: "leases"},
			{Key: "deletes", Value: bson.A{bson.D{{Key: "q", Value: bson.D{{Key: "name", Value: "n"}, {Key: "epoch", Value: bson.D{{Key: "$lt", Value: 3}}}}}}}}},
			want: "index name_1_epoch_1"},
		{name: "compare-and-set by _id and version", cmd: "update", doc: bson.D{{Key: "update", Value: "tickets"},
			{Key: "updates", Value: bson.A{bson.D{{Key: "q", Value: bson.D{{Key: "_id", Value: "IT-1"}, {Key: "version", Value: 2}}}}}}},
			want: "index _id_1"},
		{name: "counts of open tickets", cmd: "aggregate", doc: bson.D{{Key: "aggregate", Value: "tickets"}, {Key: "pipeline", Value: bson.A{
			bson.D{{Key: "$match", Value: bson.D{{Key: "open", Value: true}}}},
			bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$team"}}}}}}},
			want: "index open_1_team_1_due_1__id_1"},
		{name: "an undeclared collection", cmd: "find", doc: bson.D{{Key: "find", Value: "notes"}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "x"}}}},
			wantErr: ErrUnregistered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := bson.Marshal(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			qs := issuedQueries(tt.cmd, raw)
			if len(qs) != 1 {
				t.Fatalf("read %d queries, want 1", len(qs))
			}
			got, err := s.Served(qs[0])
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Served(%s) = %q, %v; want error %v", qs[0], got, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Served(%s) = %q, want %q", qs[0], got, tt.want)
			}
			if tt.wantNeeds != "" && (err == nil || !strings.Contains(err.Error(), "starting "+tt.wantNeeds) || !strings.Contains(err.Error(), qs[0].String())) {
				t.Errorf("error %v should name the query %s and the index %s", err, qs[0], tt.wantNeeds)
			}
		})
	}
}
