package asset

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// TicketRef is a ticket linked to an asset.
type TicketRef struct {
	Number string    `bson:"number" json:"number"`
	At     time.Time `bson:"at" json:"at"`
	Actor  string    `bson:"actor" json:"actor"`
}

// ticketList is the document asset_tickets/<asset number>.
type ticketList struct {
	Asset   string      `bson:"_id"`
	Version int64       `bson:"version"`
	Tickets []TicketRef `bson:"tickets"`
}

// LinkTicket records that a ticket concerns the asset. It is written
// before the ticket's own link (ticket.Link of kind "asset"), so a crash in
// between leaves an entry the ticket does not confirm; readers check the
// ticket side (Tickets' callers do). Linking twice changes nothing. actor
// nil is the system (a ticket created with an asset field).
func (s *Service) LinkTicket(ctx context.Context, actor *auth.Principal, number, ticket string) error {
	if actor != nil && !MayRead(actor) {
		return fmt.Errorf("link asset %s: %w", number, fault.Forbidden)
	}
	a, err := s.load(ctx, number)
	if err != nil {
		return err
	}
	if c := s.catalog().AssetClass(a.Class); c != nil && a.Status == RetiredStatus(c) {
		return invalid("asset", CodeRetired, "")
	}
	number = a.Number // as stored, when given in another case
	ref := TicketRef{Number: ticket, At: s.stamp(), Actor: actorName(actor)}
	for range 20 {
		var list ticketList
		err := s.store.Get(ctx, TicketsCollection, number, &list)
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = s.store.Insert(ctx, TicketsCollection, ticketList{Asset: number, Version: 1, Tickets: []TicketRef{ref}})
			if errors.Is(err, store.ErrDuplicate) {
				continue // created meanwhile: add to it
			}
		case err != nil:
		default:
			for _, t := range list.Tickets {
				if t.Number == ticket {
					return nil
				}
			}
			_, err = s.store.Update(ctx, TicketsCollection, number, list.Version, map[string]any{"$push": map[string]any{"tickets": ref}})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("asset: link ticket %s to %s: %w", ticket, number, err)
		}
		return nil
	}
	return fmt.Errorf("asset: link ticket %s to %s: %w", ticket, number, fault.Conflict)
}

// Tickets lists the tickets linked to an asset, oldest link first. The
// caller shows only the tickets its user may see.
func (s *Service) Tickets(ctx context.Context, actor *auth.Principal, number string) ([]TicketRef, error) {
	if !MayRead(actor) {
		return nil, fmt.Errorf("tickets of asset %s: %w", number, fault.Forbidden)
	}
	a, err := s.load(ctx, number)
	if err != nil {
		return nil, err
	}
	return s.linkedTickets(ctx, a.Number)
}

func (s *Service) linkedTickets(ctx context.Context, number string) ([]TicketRef, error) {
	var list ticketList
	err := s.store.Get(ctx, TicketsCollection, number, &list)
	if errors.Is(err, store.ErrNotFound) {
		return []TicketRef{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("asset: tickets of %s: %w", number, err)
	}
	return list.Tickets, nil
}

// UnlinkTicket removes ticket from the asset's list of linked tickets: the
// ticket was deleted as a whole (retention), and its number must not stay
// on the asset. An asset that is gone, or does not list the ticket, is left
// as it is. It is the system's act, so it takes no actor.
func (s *Service) UnlinkTicket(ctx context.Context, number, ticket string) error {
	a, err := s.load(ctx, number)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for range 20 {
		var list ticketList
		err := s.store.Get(ctx, TicketsCollection, a.Number, &list)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("asset: unlink ticket %s from %s: %w", ticket, a.Number, err)
		}
		kept := slices.DeleteFunc(slices.Clone(list.Tickets), func(r TicketRef) bool { return r.Number == ticket })
		if len(kept) == len(list.Tickets) {
			return nil
		}
		_, err = s.store.Update(ctx, TicketsCollection, a.Number, list.Version, map[string]any{"$set": map[string]any{"tickets": kept}})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("asset: unlink ticket %s from %s: %w", ticket, a.Number, err)
		}
		return nil
	}
	return fmt.Errorf("asset: unlink ticket %s from %s: %w", ticket, a.Number, fault.Conflict)
}
