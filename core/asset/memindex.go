package asset

import (
	"context"
	"slices"
	"sort"
	"sync"
)

// memIndex holds the head of every asset, sorted by number, for searches
// on the embedded store (see the package comment).
type memIndex struct {
	mu      sync.RWMutex
	heads   map[string]Head
	numbers []string // sorted

	loadMu sync.Mutex
	loaded bool
}

func newMemIndex() *memIndex { return &memIndex{heads: map[string]Head{}} }

// ensure loads the index once; a failed load is retried by the next call.
func (x *memIndex) ensure(ctx context.Context, load func(context.Context) ([]Head, error)) error {
	x.loadMu.Lock()
	defer x.loadMu.Unlock()
	if x.loaded {
		return nil
	}
	heads, err := load(ctx)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, h := range heads {
		x.putLocked(h, false)
	}
	sort.Strings(x.numbers)
	x.loaded = true
	return nil
}

// put records h unless the index holds a newer version of the asset.
func (x *memIndex) put(h Head) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.putLocked(h, true)
}

func (x *memIndex) putLocked(h Head, keepSorted bool) {
	old, ok := x.heads[h.Number]
	if ok && old.Version >= h.Version {
		return
	}
	x.heads[h.Number] = h
	if ok {
		return
	}
	if !keepSorted {
		x.numbers = append(x.numbers, h.Number)
		return
	}
	i, _ := slices.BinarySearch(x.numbers, h.Number)
	x.numbers = slices.Insert(x.numbers, i, h.Number)
}

func (x *memIndex) get(number string) (Head, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	h, ok := x.heads[number]
	return h, ok
}

// search returns up to limit heads matching q after q.After, in number
// order, and whether more follow.
func (x *memIndex) search(q Query, limit int) ([]Head, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	start := 0
	if q.After != "" {
		start, _ = slices.BinarySearch(x.numbers, q.After)
		if start < len(x.numbers) && x.numbers[start] == q.After {
			start++
		}
	}
	var out []Head
	for _, n := range x.numbers[start:] {
		h := x.heads[n]
		if !q.matches(h) {
			continue
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, h)
	}
	return out, false
}
