package asset

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/definition"
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
	// Text matches a part of the name, of the inventory number or of a
	// text value of the asset's data (a serial number), ignoring case.
	Text string
	// Target selects assets with a relation to it (an inventory number, a
	// user name or a team id); Relation narrows that to one relation.
	Target   string
	Relation string
	// AlsoTargets are further targets the asset must have a relation to,
	// each as "target" or "relation:target" (a location and a person).
	AlsoTargets []string
	// After is the number of the last row of the previous page.
	After string
	// Limit is the page size (default 50, at most MaxPage).
	Limit int
}

func (q Query) matches(a *Asset) bool {
	if q.Class != "" && a.Class != q.Class {
		return false
	}
	if q.Status != "" && a.Status != q.Status {
		return false
	}
	if q.Target != "" && !slices.Contains(a.Targets, q.targetKey()) {
		return false
	}
	if !q.alsoMatches(a) {
		return false
	}
	if q.Text != "" {
		t := strings.ToLower(q.Text)
		return strings.Contains(strings.ToLower(a.Name), t) || strings.Contains(strings.ToLower(a.Number), t) || dataContains(a.Data, t)
	}
	return true
}

// alsoMatches reports whether a has a relation to every AlsoTargets.
func (q Query) alsoMatches(a *Asset) bool {
	for _, t := range q.AlsoTargets {
		if !slices.Contains(a.Targets, t) {
			return false
		}
	}
	return true
}

// dataContains reports whether a text value of data (or of a list in it)
// contains t, which is in lower case.
func dataContains(data map[string]any, t string) bool {
	for _, v := range data {
		switch x := v.(type) {
		case string:
			if strings.Contains(strings.ToLower(x), t) {
				return true
			}
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok && strings.Contains(strings.ToLower(s), t) {
					return true
				}
			}
		}
	}
	return false
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
	recs, next, err := s.searchRecords(ctx, q, headFields)
	if err != nil {
		return nil, "", err
	}
	out := make([]Head, len(recs))
	for i, a := range recs {
		out[i] = headOf(a)
	}
	return out, next, nil
}

// searchRecords returns one page of the assets matching q, without their
// history, and the cursor of the next page. On MongoDB fields are the
// fields read; from memory the records are whole and shared (callers copy
// before they change one).
func (s *Service) searchRecords(ctx context.Context, q Query, fields []string) ([]*Asset, string, error) {
	q.Text = strings.TrimSpace(q.Text)
	limit := pageSize(q.Limit)
	var rows []*Asset
	var more bool
	if s.mem != nil {
		if err := s.Warm(ctx); err != nil {
			return nil, "", err
		}
		rows, more = s.mem.search(q, limit)
	} else {
		var err error
		if rows, more, err = s.searchStore(ctx, q, limit, fields); err != nil {
			return nil, "", err
		}
	}
	next := ""
	if more {
		next = rows[len(rows)-1].Number
	}
	return rows, next, nil
}

// searchStore is searchRecords on MongoDB. Further targets are not part
// of the indexed query: pages are read until enough rows have them.
func (s *Service) searchStore(ctx context.Context, q Query, limit int, fields []string) ([]*Asset, bool, error) {
	if len(q.AlsoTargets) > 0 && fields != nil && !slices.Contains(fields, "targets") {
		fields = append(slices.Clone(fields), "targets")
	}
	textFields := s.textFields()
	var rows []*Asset
	for {
		var found []*Asset
		if err := s.store.Find(ctx, AssetsCollection, q.find(limit+1, fields, textFields), &found); err != nil {
			return nil, false, fmt.Errorf("asset: search: %w", err)
		}
		for _, a := range found {
			a.normalize()
			if q.alsoMatches(a) {
				rows = append(rows, a)
			}
		}
		if len(rows) > limit {
			return rows[:limit], true, nil
		}
		if len(found) <= limit {
			return rows, false, nil
		}
		q.After = found[len(found)-1].Number
	}
}

// textFields are the stored fields a search text is looked for in: the
// name, the number and the text fields of every class.
func (s *Service) textFields() []string {
	out := []string{"name", "_id"}
	seen := map[string]bool{}
	for _, c := range s.catalog().AssetClasses() {
		for _, f := range c.Fields {
			switch f.Type {
			case definition.FieldText, definition.FieldTextarea, definition.FieldEmail, definition.FieldPhone:
				if p := "data." + f.ID.Value; !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// Names of the searches as declared to the store.
const (
	shapeSearch       = "assets.search"
	shapeSearchClass  = "assets.search.class"
	shapeSearchStatus = "assets.search.status"
	shapeList         = "assets.list"
	shapeSearchTarget = "assets.search.target"
	shapeHeads        = "assets.heads"
	shapeByKey        = "assets.by_key"
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
			// A search by class or by status alone reads its page in
			// _id order only from an index ending with _id.
			{Keys: []string{"class", "_id"}},
			{Keys: []string{"status", "_id"}},
			{Keys: []string{"targets", "_id"}},
			// Sparse: assets stored before the key existed lack it until
			// Warm fills it in.
			{Keys: []string{"number_key"}, Unique: true, Sparse: true},
		}, Shapes: []store.QueryShape{
			{Name: shapeByKey, Keys: []string{"number_key"}, InMemory: true},
			{Name: shapeSearch, Keys: []string{"class", "status", "_id"}, InMemory: true},
			{Name: shapeSearchClass, Keys: []string{"class", "_id"}, InMemory: true},
			{Name: shapeSearchStatus, Keys: []string{"status", "_id"}, InMemory: true},
			{Name: shapeList, Keys: []string{"_id"}, InMemory: true},
			{Name: shapeSearchTarget, Keys: []string{"targets", "_id"}, Residual: []string{"class", "status"}, InMemory: true},
			{Name: shapeHeads, Scans: true},
		}},
		{Name: TicketsCollection},
		{Name: RemindersCollection, Shapes: []store.QueryShape{{Name: shapeReminders, Scans: true}}},
	}
}

// find is q as a query of the store. The search text is never a pattern.
func (q Query) find(limit int, fields, textFields []string) store.Find {
	f := store.Find{Shape: shapeSearch, After: q.After, Fields: fields, Limit: limit}
	switch {
	case q.Class != "" && q.Status == "":
		f.Shape = shapeSearchClass
	case q.Class == "" && q.Status != "":
		f.Shape = shapeSearchStatus
	case q.Class == "" && q.Status == "":
		f.Shape = shapeList
	}
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
		f.Text, f.TextFields = q.Text, textFields
	}
	return f
}

// headFields are the fields a Head is made of.
var headFields = []string{"class", "name", "status", "version", "targets"}

// recordFields are the fields of an asset but its history.
var recordFields = []string{"class", "name", "status", "data", "relations", "targets", "version",
	"created", "created_by", "updated", "updated_by", "number_key"}

// loadRecords reads every asset without its history, for the in-memory
// index, and fills the number keys older versions did not store.
func (s *Service) loadRecords(ctx context.Context) ([]*Asset, error) {
	var all []*Asset
	if err := s.store.Find(ctx, AssetsCollection, store.Find{Shape: shapeHeads, Fields: recordFields}, &all); err != nil {
		return nil, fmt.Errorf("asset: load the index: %w", err)
	}
	for _, a := range all {
		a.normalize()
	}
	if err := s.fillNumberKeys(ctx, all); err != nil {
		return nil, err
	}
	return all, nil
}
