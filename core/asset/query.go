package asset

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// MaxPage is the largest page Search returns.
const MaxPage = 200

// Query selects assets. Empty fields match everything; results are sorted
// by inventory number.
type Query struct {
	Class  string
	Status string
	// Text matches a part of the name or of the inventory number, ignoring
	// case.
	Text string
	// Target selects assets with a relation to it (an inventory number, a
	// user name or a team id); Relation narrows that to one relation.
	Target   string
	Relation string
	// After is the number of the last row of the previous page.
	After string
	// Limit is the page size (default 50, at most MaxPage).
	Limit int
}

func (q Query) matches(h Head) bool {
	if q.Class != "" && h.Class != q.Class {
		return false
	}
	if q.Status != "" && h.Status != q.Status {
		return false
	}
	if q.Target != "" && !slices.Contains(h.Targets, q.targetKey()) {
		return false
	}
	if q.Text != "" {
		t := strings.ToLower(q.Text)
		return strings.Contains(strings.ToLower(h.Name), t) || strings.Contains(strings.ToLower(h.Number), t)
	}
	return true
}

func (q Query) targetKey() string {
	if q.Relation != "" {
		return q.Relation + ":" + q.Target
	}
	return q.Target
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > MaxPage:
		return MaxPage
	}
	return n
}

// Search returns one page of the assets matching q and the cursor of the
// next page ("" on the last page).
func (s *Service) Search(ctx context.Context, actor *auth.Principal, q Query) ([]Head, string, error) {
	if !MayRead(actor) {
		return nil, "", fmt.Errorf("search assets: %w", fault.Forbidden)
	}
	return s.search(ctx, q)
}

func (s *Service) search(ctx context.Context, q Query) ([]Head, string, error) {
	q.Text = strings.TrimSpace(q.Text)
	limit := pageSize(q.Limit)
	var rows []Head
	var more bool
	if s.mem != nil {
		if err := s.Warm(ctx); err != nil {
			return nil, "", err
		}
		rows, more = s.mem.search(q, limit)
	} else {
		var err error
		if rows, err = s.searchMongo(ctx, q, limit+1); err != nil {
			return nil, "", fmt.Errorf("asset: search: %w", err)
		}
		if more = len(rows) > limit; more {
			rows = rows[:limit]
		}
	}
	next := ""
	if more {
		next = rows[len(rows)-1].Number
	}
	return rows, next, nil
}

// Names of the searches as declared to the store.
const (
	shapeSearch       = "assets.search"
	shapeSearchTarget = "assets.search.target"
	shapeHeads        = "assets.heads"
)

// Schema declares the package's collections to the store (pass it in
// store.Config.Collections). On MongoDB the searches are served by the
// indexes declared here; on the embedded store the package answers them
// from its in-memory index (see the package comment), loaded once by a
// read of every asset's head.
func Schema() store.Schema {
	return store.Schema{
		{Name: AssetsCollection, Indexes: []store.Index{
			{Keys: []string{"class", "status", "_id"}},
			{Keys: []string{"targets", "_id"}},
		}, Shapes: []store.QueryShape{
			{Name: shapeSearch, Keys: []string{"class", "status", "_id"}, InMemory: true},
			{Name: shapeSearchTarget, Keys: []string{"targets", "_id"}, Residual: []string{"class", "status"}, InMemory: true},
			{Name: shapeHeads, Scans: true},
		}},
		{Name: TicketsCollection},
	}
}

// find is q as a query of the store. The search text is never a pattern.
func (q Query) find(limit int) store.Find {
	f := store.Find{Shape: shapeSearch, After: q.After, Fields: headFields, Limit: limit}
	if q.Target != "" {
		f.Shape = shapeSearchTarget
		f.Equal = append(f.Equal, store.Condition{Field: "targets", Value: q.targetKey()})
	}
	if q.Class != "" {
		f.Equal = append(f.Equal, store.Condition{Field: "class", Value: q.Class})
	}
	if q.Status != "" {
		f.Equal = append(f.Equal, store.Condition{Field: "status", Value: q.Status})
	}
	if q.Text != "" {
		f.Text, f.TextFields = q.Text, []string{"name", "_id"}
	}
	return f
}

// headFields are the fields a Head is made of.
var headFields = []string{"class", "name", "status", "version", "targets"}

func (s *Service) searchMongo(ctx context.Context, q Query, limit int) ([]Head, error) {
	var found []Asset
	if err := s.store.Find(ctx, AssetsCollection, q.find(limit), &found); err != nil {
		return nil, err
	}
	return headsOf(found), nil
}

func headsOf(assets []Asset) []Head {
	out := make([]Head, len(assets))
	for i := range assets {
		out[i] = headOf(&assets[i])
	}
	return out
}

// loadHeads reads every asset's head, for the in-memory index.
func (s *Service) loadHeads(ctx context.Context) ([]Head, error) {
	var all []Asset
	if err := s.store.Find(ctx, AssetsCollection, store.Find{Shape: shapeHeads, Fields: headFields}, &all); err != nil {
		return nil, fmt.Errorf("asset: load the index: %w", err)
	}
	return headsOf(all), nil
}
