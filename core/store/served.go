package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNotServed is wrapped by Served's error: no declared index serves the
// query in equality-sort-range order, so MongoDB would scan the
// collection or sort in memory.
var ErrNotServed = errors.New("no declared index serves it in equality-sort-range order")

// idIndex is the index MongoDB keeps on every collection.
var idIndex = Index{Keys: []string{"_id"}, Unique: true}

// Served reports how MongoDB answers q from the indexes the schemas
// declare: the index that serves it, or the declared scan it is (a shape
// with Scans, named in the command's comment). An index serves a query
// when its keys begin with fields the query compares by equality (or
// $in), continue with the sort's fields in order and the first key bounds
// the query (MongoDB's equality-sort-range rule); or when equality binds
// every key of a unique index (one document, nothing to sort; or one per
// value of an $in, unsorted). Otherwise
// the error wraps ErrNotServed and names the query and the index it
// needs.
func (s *Store) Served(q IssuedQuery) (string, error) {
	c, ok := s.schema[q.Collection]
	if !ok {
		return "", fmt.Errorf("store: %s: collection %s: %w", q, q.Collection, ErrUnregistered)
	}
	var shape QueryShape
	if q.Shape != "" {
		sh, err := s.schema.shape(q.Collection, q.Shape)
		if err != nil {
			return "", fmt.Errorf("store: %s: %w", q, err)
		}
		if sh.Scans {
			return "declared scan " + sh.Name, nil
		}
		shape = sh
	}
	// Of the indexes that serve the query, name the one with the most
	// equality keys, and among those the one its shape declares.
	best, bestScore := "", -1
	for _, ix := range append([]Index{idIndex}, c.Indexes...) {
		prefix, ok := q.servedBy(ix)
		score := 2 * prefix
		if isPrefix(shape.Keys, ix.Keys) {
			score++
		}
		if ok && score > bestScore {
			best, bestScore = "index "+ix.name(), score
		}
	}
	if best != "" {
		return best, nil
	}
	return "", fmt.Errorf("store: %s: %w; it needs an index on %s starting %s",
		q, ErrNotServed, q.Collection, strings.Join(q.wantedIndex(), ", "))
}

// servedBy reports whether ix serves q, and by how many leading keys
// compared by equality.
func (q IssuedQuery) servedBy(ix Index) (prefix int, ok bool) {
	equal := func(f string) bool { return slices.Contains(q.Equal, f) || slices.Contains(q.In, f) }
	for prefix < len(ix.Keys) && equal(ix.Keys[prefix]) {
		prefix++
	}
	if ix.Unique && prefix == len(ix.Keys) {
		// One document, or one per value of an $in, unsorted.
		one := !slices.ContainsFunc(ix.Keys, func(k string) bool { return !slices.Contains(q.Equal, k) })
		if one || len(q.Sort) == 0 {
			return prefix, true
		}
	}
	i := prefix
	for _, f := range q.Sort {
		if slices.Contains(q.Equal, f) {
			continue
		}
		if i >= len(ix.Keys) || ix.Keys[i] != f {
			return 0, false
		}
		i++
	}
	bounded := prefix > 0 || slices.Contains(q.Range, ix.Keys[0])
	// A filter on nothing but the sort's own fields (a page after a
	// cursor) read in the index's order stops after the page.
	walk := len(q.Sort) > 0 && ix.Keys[0] == q.Sort[0] && len(q.Equal)+len(q.In)+len(q.Other) == 0 &&
		!slices.ContainsFunc(q.Range, func(f string) bool { return !slices.Contains(q.Sort, f) })
	return prefix, bounded || walk
}

// wantedIndex is the index equality-sort-range order asks for: the fields
// compared by equality, then the sort, then the ranges.
func (q IssuedQuery) wantedIndex() []string {
	var keys []string
	add := func(fields ...string) {
		for _, f := range fields {
			if !slices.Contains(keys, f) {
				keys = append(keys, f)
			}
		}
	}
	add(q.Equal...)
	add(q.In...)
	add(q.Sort...)
	add(q.Range...)
	if len(keys) == 0 {
		return []string{"(a filter: the query reads every document)"}
	}
	return keys
}

// unique reports whether equal binds every key of a unique index of coll,
// so at most one document matches each value.
func (r registry) unique(coll string, equal []Condition) bool {
	c, ok := r[coll]
	if !ok {
		return false
	}
	for _, ix := range c.Indexes {
		if ix.Unique && !slices.ContainsFunc(ix.Keys, func(k string) bool {
			return !slices.ContainsFunc(equal, func(e Condition) bool { return e.Field == k })
		}) {
			return true
		}
	}
	return false
}

// groupShape is the declared shape of a count grouped by keys.
func groupShape(keys []string) string {
	for name, k := range groupedShapes {
		if slices.Equal(k, keys) {
			return name
		}
	}
	return ""
}
