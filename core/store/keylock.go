package store

import (
	"hash/maphash"
	"sync"
)

// KeyedMutex serialises work on one key inside this process. Keys are
// hashed onto a fixed set of mutexes, so memory stays constant; two keys may
// share a stripe, which costs some parallelism but never correctness. A
// caller must hold at most one stripe at a time, or two keys sharing a stripe
// could deadlock.
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
	var h maphash.Hash
	h.SetSeed(k.seed)
	h.WriteString(ns)
	h.WriteByte(0)
	h.WriteString(key)
	m := &k.stripes[h.Sum64()%uint64(len(k.stripes))]
	m.Lock()
	return m.Unlock
}
