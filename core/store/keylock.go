package store

import (
	"hash/maphash"
	"sync"
)

// KeyedMutex serialises work on one key inside this process. Keys are
// hashed onto a fixed set of mutexes, so memory stays constant; two keys may
// share a stripe, which costs some parallelism but never correctness. A
// caller must hold at most one stripe at a time (or take several with
// LockAll), or two keys sharing a stripe could deadlock.
type KeyedMutex struct {
	seed    maphash.Seed
	stripes [256]sync.Mutex
}

// NewKeyedMutex returns a KeyedMutex.
func NewKeyedMutex() *KeyedMutex {
	return &KeyedMutex{seed: maphash.MakeSeed()}
}

// Lock locks the stripe of (ns, key) and returns its unlock function.
func (k *KeyedMutex) Lock(ns, key string) (unlock func()) {
	m := &k.stripes[k.stripe(ns, key)]
	m.Lock()
	return m.Unlock
}

// LockAll locks the stripes of several keys of ns at once and returns the
// function that unlocks them. It takes each stripe once, in stripe order,
// so it never waits for a stripe it holds, and any number of LockAll and
// Lock callers cannot deadlock (a Lock caller holds one stripe).
func (k *KeyedMutex) LockAll(ns string, keys []string) (unlock func()) {
	return k.LockSets(KeySet{NS: ns, Keys: keys})
}

// KeySet names keys of one namespace for LockSets.
type KeySet struct {
	NS   string
	Keys []string
}

// LockSets is LockAll over keys of several namespaces: a caller that needs
// a ticket and its attachments takes them together, never one stripe
// while holding another.
func (k *KeyedMutex) LockSets(sets ...KeySet) (unlock func()) {
	var held [len(k.stripes)]bool
	for _, set := range sets {
		for _, key := range set.Keys {
			held[k.stripe(set.NS, key)] = true
		}
	}
	for i, ok := range held {
		if ok {
			k.stripes[i].Lock()
		}
	}
	return func() {
		for i, ok := range held {
			if ok {
				k.stripes[i].Unlock()
			}
		}
	}
}

// stripe is the index of the stripe of (ns, key).
func (k *KeyedMutex) stripe(ns, key string) int {
	var h maphash.Hash
	h.SetSeed(k.seed)
	h.WriteString(ns)
	h.WriteByte(0)
	h.WriteString(key)
	return int(h.Sum64() % uint64(len(k.stripes)))
}
