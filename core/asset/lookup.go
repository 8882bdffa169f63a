package asset

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/fault"
)

// Reader is the read-only view of the assets that trusted code (Lua
// hooks) gets: no principal, no writes. *Service implements it.
type Reader interface {
	// Find returns the assets matching q, full records without their
	// history, at most MaxPage, and the cursor of the next page.
	Find(ctx context.Context, q Query) ([]*Asset, string, error)
	// Asset returns one asset without its history, or an error wrapping
	// fault.NotFound.
	Asset(ctx context.Context, number string) (*Asset, error)
	// LinkedTickets returns the numbers of the tickets linked to an asset
	// (bookings of a vehicle, incidents of a printer), oldest first.
	LinkedTickets(ctx context.Context, number string) ([]string, error)
}

var _ Reader = (*Service)(nil)

// Find implements Reader.
// The records come in one query on MongoDB and from memory on the
// embedded store (an export of 20,000 assets reads no document one by one).
func (s *Service) Find(ctx context.Context, q Query) ([]*Asset, string, error) {
	recs, next, err := s.searchRecords(ctx, q, recordFields)
	if err != nil {
		return nil, "", err
	}
	out := make([]*Asset, len(recs))
	for i, a := range recs {
		cp := *a // the index's records are shared: hand out copies
		cp.Data = plainMap(a.Data)
		cp.Relations = make(map[string][]string, len(a.Relations))
		for k, v := range a.Relations {
			cp.Relations[k] = append([]string(nil), v...)
		}
		cp.History = nil
		out[i] = &cp
	}
	return out, next, nil
}

// Asset implements Reader.
func (s *Service) Asset(ctx context.Context, number string) (*Asset, error) {
	a, err := s.load(ctx, number)
	if err != nil {
		return nil, err
	}
	a.History = nil
	return a, nil
}

// LinkedTickets implements Reader.
func (s *Service) LinkedTickets(ctx context.Context, number string) ([]string, error) {
	refs, err := s.linkedTickets(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("asset: tickets of %s: %w", number, err)
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Number
	}
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, fault.NotFound) }
