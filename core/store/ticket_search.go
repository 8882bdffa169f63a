package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// TicketFilter selects tickets by equality on their head fields and a range
// of their last change. Empty fields match everything.
type TicketFilter struct {
	Process, State, Team, Assignee, Requester, Priority string
	// Open selects open (true) or not open (false) tickets; nil: both.
	Open *bool
	// UpdatedBefore and UpdatedAfter bound the last change; zero: none.
	UpdatedBefore, UpdatedAfter time.Time
	// Limit bounds the result; 0: no bound.
	Limit int
}

// FindTickets returns the tickets matching f in number order. No index
// serves this filter: the embedded store decodes every ticket, so it is for
// scheduled jobs, not for a request path (the inbox queries are).
func (s *Store) FindTickets(ctx context.Context, f TicketFilter) ([]ticket.Ticket, error) {
	if _, err := s.schema.shape(TicketsCollection, shapeFindTickets); err != nil {
		return nil, err
	}
	filter := bson.D{}
	for _, e := range []struct{ key, value string }{
		{"process", f.Process}, {"state", f.State}, {"team", f.Team}, {"assignee", f.Assignee},
		{"requester", f.Requester}, {"priority", f.Priority},
	} {
		if e.value != "" {
			filter = append(filter, bson.E{Key: e.key, Value: e.value})
		}
	}
	if f.Open != nil {
		filter = append(filter, bson.E{Key: "open", Value: *f.Open})
	}
	updated := bson.D{}
	if !f.UpdatedBefore.IsZero() {
		updated = append(updated, bson.E{Key: "$lt", Value: f.UpdatedBefore})
	}
	if !f.UpdatedAfter.IsZero() {
		updated = append(updated, bson.E{Key: "$gt", Value: f.UpdatedAfter})
	}
	if len(updated) > 0 {
		filter = append(filter, bson.E{Key: "updated", Value: updated})
	}
	cur, err := s.db.Collection(TicketsCollection).Find(ctx, filter,
		options.Find().SetLimit(int64(f.Limit)).SetSort(bson.D{{Key: "_id", Value: 1}}).SetComment(shapeFindTickets))
	if err != nil {
		return nil, fmt.Errorf("store: find tickets: %w", err)
	}
	var found []ticket.Ticket
	if err := cur.All(ctx, &found); err != nil {
		return nil, fmt.Errorf("store: find tickets: %w", err)
	}
	return found, nil
}
