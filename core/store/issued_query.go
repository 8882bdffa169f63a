package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
)

// IssuedQuery is one query the store sent to MongoDB, reduced to what
// decides which index can serve it: the fields it compares and how, and
// its sort. Config.Observe receives one for every filter of every read,
// update, delete and aggregation in MongoDB mode (inserts have none).
type IssuedQuery struct {
	// Command is the database command: find, aggregate, count, distinct,
	// update, delete or findAndModify.
	Command    string
	Collection string
	// Shape is the declared query shape the store named in the command's
	// comment; "" when the query names none (a read or write by _id, or a
	// query of the store's own the indexes must serve without a name).
	Shape string
	// Equal are the fields compared by equality, In those compared with
	// $in, Range those bounded by $gt/$gte/$lt/$lte (also inside an $or,
	// as a page cursor is), Other those compared otherwise ($regex,
	// $exists, ...), which no index bounds.
	Equal, In, Range, Other []string
	// Sort is the sort, field by field; Descending if its first field is.
	Sort       []string
	Descending bool
	// Filter is the filter as extended JSON, for messages.
	Filter string
}

// String names the query for a message: command, collection, the fields
// compared, the sort and the declared shape.
func (q IssuedQuery) String() string {
	var parts []string
	for _, f := range q.Equal {
		parts = append(parts, f+" =")
	}
	for _, f := range q.In {
		parts = append(parts, f+" in")
	}
	for _, f := range q.Range {
		parts = append(parts, f+" range")
	}
	for _, f := range q.Other {
		parts = append(parts, f+" other")
	}
	s := fmt.Sprintf("%s %s {%s}", q.Command, q.Collection, strings.Join(parts, ", "))
	if len(q.Sort) > 0 {
		s += " sort " + strings.Join(q.Sort, ", ")
		if q.Descending {
			s += " descending"
		}
	}
	if q.Shape != "" {
		s += " [" + q.Shape + "]"
	}
	return s
}

// commandObserver turns the driver's started commands into IssuedQuery
// values for observe.
func commandObserver(observe func(IssuedQuery)) *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		for _, q := range issuedQueries(e.CommandName, e.Command) {
			observe(q)
		}
	}}
}

// issuedQueries reads the filters and sorts of one command.
func issuedQueries(name string, cmd bson.Raw) []IssuedQuery {
	coll, _ := cmd.Lookup(name).StringValueOK()
	comment, _ := cmd.Lookup("comment").StringValueOK()
	one := func(filter bson.Raw, sort bson.Raw) IssuedQuery {
		q := IssuedQuery{Command: name, Collection: coll, Shape: comment}
		q.readSort(sort)
		q.readFilter(filter)
		return q
	}
	doc := func(key string) bson.Raw {
		d, _ := cmd.Lookup(key).DocumentOK()
		return d
	}
	switch name {
	case "find":
		return []IssuedQuery{one(doc("filter"), doc("sort"))}
	case "count", "distinct":
		return []IssuedQuery{one(doc("query"), nil)}
	case "findAndModify":
		return []IssuedQuery{one(doc("query"), doc("sort"))}
	case "update", "delete":
		key, filter := "updates", "q"
		if name == "delete" {
			key = "deletes"
		}
		arr, _ := cmd.Lookup(key).ArrayOK()
		vals, _ := arr.Values()
		var out []IssuedQuery
		for _, v := range vals {
			d, _ := v.DocumentOK()
			f, _ := d.Lookup(filter).DocumentOK()
			out = append(out, one(f, nil))
		}
		return out
	case "aggregate":
		arr, _ := cmd.Lookup("pipeline").ArrayOK()
		stages, _ := arr.Values()
		var match, sort bson.Raw
		for i, st := range stages {
			d, _ := st.DocumentOK()
			// Only a leading $match and a $sort right after it reach
			// an index.
			if m, ok := d.Lookup("$match").DocumentOK(); ok && i == 0 {
				match = m
			}
			if s, ok := d.Lookup("$sort").DocumentOK(); ok && i <= 1 {
				sort = s
			}
		}
		return []IssuedQuery{one(match, sort)}
	}
	return nil
}

// readFilter sorts the filter's fields by how they are compared; the sort
// must be read first (see readOr).
func (q *IssuedQuery) readFilter(filter bson.Raw) {
	if filter != nil {
		q.Filter = filter.String()
	}
	q.readConditions(filter)
}

func (q *IssuedQuery) readConditions(filter bson.Raw) {
	elems, _ := filter.Elements()
	for _, e := range elems {
		key := e.Key()
		switch key {
		case "$or":
			q.readOr(e.Value())
			continue
		case "$and":
			arr, _ := e.Value().ArrayOK()
			vals, _ := arr.Values()
			for _, v := range vals {
				d, _ := v.DocumentOK()
				q.readConditions(d)
			}
			continue
		}
		ops, isDoc := e.Value().DocumentOK()
		if !isDoc || !strings.HasPrefix(firstKey(ops), "$") {
			if e.Value().Type == bson.TypeRegex {
				q.add(&q.Other, key)
			} else {
				q.add(&q.Equal, key)
			}
			continue
		}
		opElems, _ := ops.Elements()
		for _, op := range opElems {
			switch op.Key() {
			case "$eq":
				q.add(&q.Equal, key)
			case "$in":
				q.add(&q.In, key)
			case "$gt", "$gte", "$lt", "$lte":
				q.add(&q.Range, key)
			default:
				q.add(&q.Other, key)
			}
		}
	}
}

// readOr reads an $or. A page cursor, (f > x) or (f = x and _id > y),
// bounds a range of the sort's fields, which the index that gives the
// order serves. Any other field of an $or (a text search's regular
// expressions, alternatives) compares Other: one index range cannot
// serve it.
func (q *IssuedQuery) readOr(v bson.RawValue) {
	arr, _ := v.ArrayOK()
	vals, _ := arr.Values()
	for _, b := range vals {
		d, _ := b.DocumentOK()
		elems, _ := d.Elements()
		for _, e := range elems {
			_, _, isRegex := e.Value().RegexOK()
			if ops, ok := e.Value().DocumentOK(); ok {
				_, isRegex = ops.Lookup("$regex").StringValueOK()
			}
			if isRegex || !slices.Contains(q.Sort, e.Key()) {
				q.add(&q.Other, e.Key())
				continue
			}
			q.add(&q.Range, e.Key())
		}
	}
}

func (q *IssuedQuery) readSort(sort bson.Raw) {
	elems, _ := sort.Elements()
	for i, e := range elems {
		q.Sort = append(q.Sort, e.Key())
		if i == 0 {
			n, _ := e.Value().AsInt64OK()
			q.Descending = n < 0
		}
	}
}

// add puts field in list unless a stronger comparison already names it
// (equality beats $in beats a range beats other), and out of the weaker
// ones.
func (q *IssuedQuery) add(list *[]string, field string) {
	lists := []*[]string{&q.Equal, &q.In, &q.Range, &q.Other}
	at := slices.Index(lists, list)
	for i, l := range lists {
		switch {
		case i <= at && slices.Contains(*l, field):
			return
		case i > at:
			*l = slices.DeleteFunc(*l, func(f string) bool { return f == field })
		}
	}
	*list = append(*list, field)
}

func firstKey(d bson.Raw) string {
	elems, err := d.Elements()
	if err != nil || len(elems) == 0 {
		return ""
	}
	return elems[0].Key()
}
