package search

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Recency windows. bleve scores every ticket a query matches before it
// keeps the best twenty: a common word at 100k tickets scores tens of
// thousands. A query over a big index therefore runs window by window,
// the newest tickets first (firstWindow of them, then four times as many
// each step), ranks by relevance inside a window, and stops as soon as the
// page is full. What is older is only counted, unscored, for the total.
// firstWindow is how many of the newest tickets the first window holds
// at least; an index this small is searched in one go, ranked by relevance
// alone.
var firstWindow = 4096

const (
	// windowGrowth is how much larger each further window is.
	windowGrowth = 4
	// bucketShift picks the buckets of the creation times the windows are
	// cut from: the date field's own terms at this shift (2^44 ns, about
	// 4.9 hours), so the histogram is read from the term dictionary.
	bucketShift = 44
	// histogramAge is how long a histogram serves before it is read
	// again; tickets created since fall into the newest window.
	histogramAge = time.Minute
)

// bucket is how many tickets were created from start on, up to the next
// bucket.
type bucket struct {
	start time.Time
	count uint64
}

// histogram is the creation times of the index's tickets, oldest bucket
// first, read from the date field's terms at bucketShift.
type histogram struct {
	mu      sync.Mutex
	read    time.Time
	buckets []bucket
}

func (x *Index) creationHistogram() ([]bucket, error) {
	h := &x.hist
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.read.IsZero() && time.Since(h.read) < histogramAge {
		return h.buckets, nil
	}
	dict, err := x.idx.FieldDictPrefix(fieldCreated, []byte{numeric.ShiftStartInt64 + bucketShift})
	if err != nil {
		return nil, fmt.Errorf("search: creation times: %w", err)
	}
	defer dict.Close()
	var out []bucket
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("search: creation times: %w", err)
		}
		if e == nil {
			break
		}
		ns, err := numeric.PrefixCoded(e.Term).Int64()
		if err != nil {
			continue
		}
		out = append(out, bucket{start: time.Unix(0, ns).UTC(), count: e.Count})
	}
	h.read, h.buckets = time.Now(), out
	return out, nil
}

// windows are the lower bounds of the recency windows, newest first: none
// when the index is small enough to be searched in one go. The last window
// is open below. They do not depend on the page asked for, so every page
// of a query cuts the same windows and the pages follow one order.
func (x *Index) windows() ([]time.Time, error) {
	buckets, err := x.creationHistogram()
	if err != nil {
		return nil, err
	}
	size := uint64(firstWindow)
	var bounds []time.Time
	var sum uint64
	for i := len(buckets) - 1; i > 0; i-- {
		sum += buckets[i].count
		if sum >= size {
			bounds = append(bounds, buckets[i].start)
			sum, size = 0, size*windowGrowth
		}
	}
	return bounds, nil
}

// searchWindows runs q window by window (bounds from windows; none: the
// whole index at once), newest first, and returns the page (from, size)
// of the windows' hits one after the other, and the total.
// The total of the windows not searched comes from a count without
// scores; a query with a phrase leaves them uncounted (checking a phrase
// reads the positions of every candidate, the cost the windows avoid) and
// says so with more.
func (x *Index) searchWindows(ctx context.Context, q query.Query, bounds []time.Time, fields []string, from, size int,
	phrases bool) (hits search.DocumentMatchCollection, total uint64, more bool, err error) {
	need := from + size
	var upper time.Time
	for i := 0; i <= len(bounds); i++ {
		var lower time.Time
		if i < len(bounds) {
			lower = bounds[i]
		}
		req := bleve.NewSearchRequestOptions(within(q, lower, upper), need-int(total), 0, false)
		req.Fields = fields
		res, err := x.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, 0, false, fmt.Errorf("search: %w", err)
		}
		for j, h := range res.Hits {
			if int(total)+j >= from {
				hits = append(hits, h)
			}
		}
		total += res.Total
		upper = lower
		if int(total) < need || upper.IsZero() {
			continue
		}
		// The page is full: the older tickets are only counted.
		if phrases {
			return hits, total, true, nil
		}
		count := bleve.NewSearchRequestOptions(within(q, time.Time{}, upper), 0, 0, false)
		count.Score = bleve.ScoreNone
		res, err = x.idx.SearchInContext(ctx, count)
		if err != nil {
			return nil, 0, false, fmt.Errorf("search: count: %w", err)
		}
		return hits, total + res.Total, false, nil
	}
	return hits, total, false, nil
}

// within narrows q to the tickets created from lower (inclusive) to upper
// (exclusive); a zero bound is open.
func within(q query.Query, lower, upper time.Time) query.Query {
	if lower.IsZero() && upper.IsZero() {
		return q
	}
	incl, excl := true, false
	r := query.NewDateRangeInclusiveQuery(lower, upper, &incl, &excl)
	r.SetField(fieldCreated)
	r.SetBoost(0)
	return query.NewConjunctionQuery([]query.Query{q, r})
}
