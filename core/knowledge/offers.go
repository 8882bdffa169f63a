package knowledge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"vorgang/core/store"
)

// An offering is the list of public articles shown beside one request
// form on the portal, for as long as the citizen fills it in. The form
// carries its id back in a hidden field; a request sent with the id marks
// the offering submitted, and one not submitted within OfferWindow counts
// as "left without submitting" for each of its articles (CloseOffers).
//
// An offering holds the article numbers and when it began, nothing of
// the citizen: no address, no text typed.

// OfferWindow is how long after an offering began a request sent with
// its id counts as submitted; after that it counts as left.
const OfferWindow = 2 * time.Hour

// maxOffered bounds the articles one offering records.
const maxOffered = 20

// closeBatch bounds the offerings one CloseOffers call closes.
const closeBatch = 2000

// offerIDPattern is the shape of an offering's id: 128 random bits in
// hex, so an id cannot be guessed and one citizen reaches only their own.
var offerIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// offer is a document of OffersCollection.
type offer struct {
	ID      string `bson:"_id"`
	Version int64  `bson:"version"`
	// Started is when the first article was offered (the sort time
	// format of the store, for the range query of CloseOffers).
	Started   string   `bson:"started"`
	Articles  []string `bson:"articles"`
	Submitted bool     `bson:"submitted"`
	// Closed is set by the CloseOffers run that counts the offering, so a
	// second run does not count it again.
	Closed bool `bson:"closed,omitempty"`
}

const sortTimeLayout = "2006-01-02T15:04:05Z"

func sortTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(sortTimeLayout) }

// open reports whether a request sent at now still counts for o.
func (o *offer) open(now time.Time) bool {
	started, err := time.Parse(sortTimeLayout, o.Started)
	return err == nil && !o.Submitted && !o.Closed && now.Before(started.Add(OfferWindow))
}

// Offer records that the articles were shown beside the request form
// whose offering is id, and returns the id the form carries on. An id
// that is empty, malformed, unknown, submitted or past OfferWindow starts
// a new offering (when there are articles). Each article counts as shown
// once per offering, however often the list is refreshed; when no new
// article is among numbers nothing is written.
func (s *Service) Offer(ctx context.Context, id string, numbers []string) (string, error) {
	now := s.now()
	for range casTries {
		o, err := s.openOffer(ctx, id, now)
		if err != nil {
			return "", err
		}
		if o == nil {
			if len(numbers) == 0 {
				return "", nil
			}
			o = &offer{Started: sortTime(now)}
		}
		var added []string
		for _, n := range numbers {
			if !slices.Contains(o.Articles, n) && len(o.Articles)+len(added) < maxOffered && !slices.Contains(added, n) {
				added = append(added, n)
			}
		}
		if len(added) == 0 {
			return o.ID, nil
		}
		if o.ID == "" {
			o.ID, o.Version, o.Articles = newOfferID(), 1, added
			if err := s.store.Insert(ctx, OffersCollection, o); err != nil {
				return "", fmt.Errorf("record offering: %w", err)
			}
		} else {
			_, err := s.store.Update(ctx, OffersCollection, o.ID, o.Version, map[string]any{"$set": map[string]any{"articles": append(o.Articles, added...)}})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				return "", fmt.Errorf("record offering: %w", err)
			}
		}
		for _, n := range added {
			if err := s.count(ctx, n, "shown", now, 1); err != nil {
				return o.ID, err
			}
		}
		return o.ID, nil
	}
	return "", fmt.Errorf("record offering: too many concurrent changes")
}

// OfferSubmitted records that a request was sent with the offering id:
// each of its articles that is still public counts as submitted anyway.
// An id that is malformed, unknown, already submitted or past
// OfferWindow is ignored, so a form sent twice counts once.
func (s *Service) OfferSubmitted(ctx context.Context, id string) error {
	now := s.now()
	for range casTries {
		o, err := s.openOffer(ctx, id, now)
		if err != nil || o == nil {
			return err
		}
		_, err = s.store.Update(ctx, OffersCollection, o.ID, o.Version, map[string]any{"$set": map[string]any{"submitted": true}})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("record submitted offering: %w", err)
		}
		for _, n := range o.Articles {
			if _, err := s.Get(ctx, nil, n); err != nil {
				continue
			}
			if err := s.count(ctx, n, "submitted", now, 1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("record submitted offering: too many concurrent changes")
}

// openOffer is the offering id while a request may still be sent with
// it, nil otherwise.
func (s *Service) openOffer(ctx context.Context, id string, now time.Time) (*offer, error) {
	if !offerIDPattern.MatchString(id) {
		return nil, nil
	}
	var o offer
	err := s.store.Get(ctx, OffersCollection, id, &o)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read offering: %w", err)
	}
	if !o.open(now) {
		return nil, nil
	}
	return &o, nil
}

// CloseOffers counts each offering that began OfferWindow or more before
// now without a request sent as left, for each of its articles (in the
// month the offering began), and deletes it and the submitted ones: an
// offering is kept for at most OfferWindow and the interval of the
// hourly run. It returns how many it deleted. Run it under a lease: a
// crash between counting and deleting leaves an offering marked closed,
// which the next run deletes without counting again (a crash just before
// counting loses that offering's counts, never doubles them).
func (s *Service) CloseOffers(ctx context.Context, now time.Time) (int, error) {
	deleted := 0
	for deleted < closeBatch {
		ids, err := s.store.IDsUpTo(ctx, OffersCollection, shapeOffersStarted, sortTime(now.Add(-OfferWindow)), min(store.MaxPage, closeBatch-deleted))
		if err != nil {
			return deleted, fmt.Errorf("close offerings: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			if err := s.closeOffer(ctx, id); err != nil {
				return deleted, err
			}
			deleted++
		}
	}
	return deleted, nil
}

func (s *Service) closeOffer(ctx context.Context, id string) error {
	for range casTries {
		var o offer
		err := s.store.Get(ctx, OffersCollection, id, &o)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("close offering: %w", err)
		}
		if !o.Submitted && !o.Closed {
			_, err := s.store.Update(ctx, OffersCollection, id, o.Version, map[string]any{"$set": map[string]any{"closed": true}})
			if errors.Is(err, store.ErrConflict) {
				continue // a request was sent meanwhile, or another run closed it
			}
			if err != nil {
				return fmt.Errorf("close offering: %w", err)
			}
			started, _ := time.Parse(sortTimeLayout, o.Started)
			for _, n := range o.Articles {
				if err := s.count(ctx, n, "left", started, 1); err != nil {
					return err
				}
			}
		}
		if err := s.store.Delete(ctx, OffersCollection, id); err != nil {
			return fmt.Errorf("delete offering: %w", err)
		}
		return nil
	}
	return fmt.Errorf("close offering: too many concurrent changes")
}

// newOfferID is 128 random bits in hex.
func newOfferID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b)
}
