package asset

import (
	"context"
	"slices"
	"sort"
	"sync"
)

// memIndex holds every asset without its history, sorted by number, for
// searches, exports and imports on the embedded store (see the package
// comment). Records are never changed in place: a write puts a new one.
type memIndex struct {
	mu      sync.RWMutex
	recs    map[string]*Asset // by number
	keys    map[string]string // numberKey → number
	numbers []string          // sorted

	loadMu sync.Mutex
	loaded bool
}

func newMemIndex() *memIndex { return &memIndex{recs: map[string]*Asset{}, keys: map[string]string{}} }

// ensure loads the index once; a failed load is retried by the next call.
func (x *memIndex) ensure(ctx context.Context, load func(context.Context) ([]*Asset, error)) error {
	x.loadMu.Lock()
	defer x.loadMu.Unlock()
	if x.loaded {
		return nil
	}
	recs, err := load(ctx)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, a := range recs {
		x.putLocked(a, false)
	}
	sort.Strings(x.numbers)
	x.loaded = true
	return nil
}

// put records a (without its history) unless the index holds a newer
// version of the asset.
func (x *memIndex) put(a *Asset) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.putLocked(a, true)
}

func (x *memIndex) putLocked(a *Asset, keepSorted bool) {
	old, ok := x.recs[a.Number]
	if ok && old.Version >= a.Version {
		return
	}
	cp := *a
	cp.History = nil
	x.recs[a.Number] = &cp
	k := numberKey(a.Number)
	if _, taken := x.keys[k]; !taken {
		x.keys[k] = a.Number
	}
	if ok {
		return
	}
	if !keepSorted {
		x.numbers = append(x.numbers, a.Number)
		return
	}
	i, _ := slices.BinarySearch(x.numbers, a.Number)
	x.numbers = slices.Insert(x.numbers, i, a.Number)
}

// remove drops a deleted asset.
func (x *memIndex) remove(number string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.recs[number]; !ok {
		return
	}
	delete(x.recs, number)
	if k := numberKey(number); x.keys[k] == number {
		delete(x.keys, k)
	}
	if i, found := slices.BinarySearch(x.numbers, number); found {
		x.numbers = slices.Delete(x.numbers, i, i+1)
	}
}

// get returns the record with the number, in any case. The record is
// shared: callers copy before they change it.
func (x *memIndex) get(number string) (*Asset, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if a, ok := x.recs[number]; ok {
		return a, true
	}
	n, ok := x.keys[numberKey(number)]
	if !ok {
		return nil, false
	}
	return x.recs[n], true
}

// search returns up to limit records matching q after q.After, in number
// order, and whether more follow.
func (x *memIndex) search(q Query, limit int) ([]*Asset, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	start := 0
	if q.After != "" {
		start, _ = slices.BinarySearch(x.numbers, q.After)
		if start < len(x.numbers) && x.numbers[start] == q.After {
			start++
		}
	}
	var out []*Asset
	for _, n := range x.numbers[start:] {
		a := x.recs[n]
		if !q.matches(a) {
			continue
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, a)
	}
	return out, false
}
