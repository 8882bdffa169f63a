package asset

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/auth"
	"vorgang/core/fault"
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

// mongoFilter is q as a query. The regular expression is anchored nowhere
// and quoted, so a search text is never a pattern.
func (q Query) mongoFilter() bson.D {
	f := bson.D{}
	if q.Class != "" {
		f = append(f, bson.E{Key: "class", Value: q.Class})
	}
	if q.Status != "" {
		f = append(f, bson.E{Key: "status", Value: q.Status})
	}
	if q.Target != "" {
		f = append(f, bson.E{Key: "targets", Value: q.targetKey()})
	}
	if q.After != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.After}}})
	}
	if q.Text != "" {
		re := primitiveRegex(q.Text)
		f = append(f, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "name", Value: re}},
			bson.D{{Key: "_id", Value: re}},
		}})
	}
	return f
}

func primitiveRegex(text string) bson.D {
	return bson.D{{Key: "$regex", Value: regexp.QuoteMeta(text)}, {Key: "$options", Value: "i"}}
}

var headProjection = bson.D{{Key: "class", Value: 1}, {Key: "name", Value: 1}, {Key: "status", Value: 1}, {Key: "version", Value: 1}, {Key: "targets", Value: 1}}

func (s *Service) searchMongo(ctx context.Context, q Query, limit int) ([]Head, error) {
	cur, err := s.store.DB().Collection(AssetsCollection).Find(ctx, q.mongoFilter(), options.Find().
		SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetProjection(headProjection))
	if err != nil {
		return nil, err
	}
	return decodeHeads(ctx, cur)
}

func decodeHeads(ctx context.Context, cur *mongo.Cursor) ([]Head, error) {
	defer cur.Close(ctx)
	var out []Head
	for cur.Next(ctx) {
		var a Asset
		if err := cur.Decode(&a); err != nil {
			return nil, err
		}
		out = append(out, headOf(&a))
	}
	return out, cur.Err()
}

// loadHeads reads every asset's head, for the in-memory index.
func (s *Service) loadHeads(ctx context.Context) ([]Head, error) {
	cur, err := s.store.DB().Collection(AssetsCollection).Find(ctx, bson.D{}, options.Find().SetProjection(headProjection))
	if err != nil {
		return nil, fmt.Errorf("asset: load the index: %w", err)
	}
	heads, err := decodeHeads(ctx, cur)
	if err != nil {
		return nil, fmt.Errorf("asset: load the index: %w", err)
	}
	return heads, nil
}

// indexes serve the searches on MongoDB: class and status (with number
// order), and relation targets.
var indexes = []mongo.IndexModel{
	{Keys: bson.D{{Key: "class", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("class_1_status_1__id_1")},
	{Keys: bson.D{{Key: "targets", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("targets_1__id_1")},
}

// EnsureIndexes creates the indexes the searches use on MongoDB. On the
// embedded store, which would never use them, it does nothing.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	if s.mem != nil {
		return nil
	}
	coll := s.store.DB().Collection(AssetsCollection)
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("asset: list indexes: %w", err)
	}
	have := map[string]bool{}
	for _, sp := range specs {
		have[sp.Name] = true
	}
	var missing []mongo.IndexModel
	for _, m := range indexes {
		if !have[*m.Options.Name] {
			missing = append(missing, m)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := coll.Indexes().CreateMany(ctx, missing); err != nil {
		return fmt.Errorf("asset: create indexes: %w", err)
	}
	return nil
}
