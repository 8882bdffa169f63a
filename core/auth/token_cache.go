package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Remembering what an API token's authentication read.
//
// Every API request authenticates its token: without a cache, two reads
// by _id (the token, then its user) per request, each a FerretDB round
// trip, about a quarter of the CPU of a create over the API. The cache
// keeps the token and user documents of recent requests (never the
// principal: roles and teams are resolved against the current catalog on
// every request, so a reload of the definitions takes effect at once).
//
// It is correct within this process because every write of this Service
// to the users or api_tokens collection (revoke, delete, disable, roles,
// teams, a directory sync, the last-use stamp) passes through
// invalidatingDocuments, which moves the generation on once the write has
// returned. An entry is used only while the generation it was read under
// is current, so a read that raced with a write is never used after it.
// Another process writing to the same database (several instances on one
// MongoDB) is not seen: its changes take effect here within
// DefaultTokenCacheFor (Config.TokenCacheFor), the age after which an
// entry is read again. The expiry of a token is checked against the clock
// on every request.

// DefaultTokenCacheFor bounds how long a change made by another process
// (another instance on the same database) may take to reach this one's
// token authentication.
const DefaultTokenCacheFor = 2 * time.Second

// tokenCacheSize bounds the entries; when full, the cache starts afresh.
// Only tokens that authenticated are kept, so unknown secrets cannot fill
// it.
const tokenCacheSize = 4096

type tokenCacheEntry struct {
	token tokenDoc
	user  User
	gen   uint64
	read  time.Time // when the documents were read
}

type tokenCache struct {
	// gen moves on after every write to users or api_tokens.
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[string]tokenCacheEntry
}

// get returns the entry of the token id if it was read under the current
// generation and less than maxAge before now.
func (c *tokenCache) get(id string, now time.Time, maxAge time.Duration) (tokenCacheEntry, bool) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() || now.Sub(e.read) >= maxAge || now.Before(e.read) {
		return tokenCacheEntry{}, false
	}
	return e, true
}

// put keeps e unless a write happened since e.gen was taken.
func (c *tokenCache) put(id string, e tokenCacheEntry) {
	if e.gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= tokenCacheSize {
		c.entries = make(map[string]tokenCacheEntry)
	}
	c.entries[id] = e
}

// invalidate makes every entry stale.
func (c *tokenCache) invalidate() { c.gen.Add(1) }

// invalidatingDocuments is the Service's door to its Documents: a write to
// a collection the token cache reads invalidates the cache after it
// returned, whether it succeeded or not (a failed write may still have
// landed).
type invalidatingDocuments struct {
	Documents
	cache *tokenCache
}

func (d invalidatingDocuments) after(coll string) {
	if coll == UsersCollection || coll == TokensCollection {
		d.cache.invalidate()
	}
}

func (d invalidatingDocuments) Insert(ctx context.Context, coll string, doc any) error {
	defer d.after(coll)
	return d.Documents.Insert(ctx, coll, doc)
}

func (d invalidatingDocuments) InsertMany(ctx context.Context, coll string, docs []any) (int, error) {
	defer d.after(coll)
	return d.Documents.InsertMany(ctx, coll, docs)
}

func (d invalidatingDocuments) Update(ctx context.Context, coll, id string, expectVersion int64, update map[string]any) (int64, error) {
	defer d.after(coll)
	return d.Documents.Update(ctx, coll, id, expectVersion, update)
}

func (d invalidatingDocuments) Delete(ctx context.Context, coll, id string) error {
	defer d.after(coll)
	return d.Documents.Delete(ctx, coll, id)
}

func (d invalidatingDocuments) DeleteExpired(ctx context.Context, coll, shape string, now time.Time) (int64, error) {
	defer d.after(coll)
	return d.Documents.DeleteExpired(ctx, coll, shape, now)
}
