package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// MinAnonymousKey is the least length of an idempotency key of an anonymous
// (citizen) create.
const MinAnonymousKey = 16

// MaxIdempotencyKey is the greatest length of an idempotency key.
const MaxIdempotencyKey = 255

// createsCollection records creates made under an idempotency key.
const createsCollection = "create_requests"

// createClaim is the record of one idempotent create. Its insert claims the
// key; the number is noted before the ticket is stored, so a create cut off
// by a crash is finished by the retry with the same number: no second
// ticket, and no gap in the numbers. The create is done when the noted
// number's ticket exists; no further write marks it.
type createClaim struct {
	Key    string `bson:"_id"`
	Number string `bson:"number,omitempty"`
	// Request is the hash of what was asked for (see requestHash): the key
	// answers only the same request again.
	Request string `bson:"request,omitempty"`
	// Owner names the attempt working on the claim: this engine's
	// instance id and a random part. An attempt of this process that is
	// no longer running has failed, so its claim may be taken over at once
	// (see claimAbandoned).
	Owner     string    `bson:"owner,omitempty"`
	StartedAt time.Time `bson:"started_at"`
	// Claimed is StartedAt as a sort time (ticket.SortTime), which the
	// purge of old claims finds through its index.
	Claimed string `bson:"claimed,omitempty"`
	Version int64  `bson:"version"`
}

// attempts are the create attempts running in this engine, by owner.
type attempts struct{ running sync.Map }

// begin registers a new attempt and returns its owner id.
func (a *attempts) begin(instance string) string {
	owner := instance + "/" + newNonce()
	a.running.Store(owner, struct{}{})
	return owner
}

func (a *attempts) end(owner string) { a.running.Delete(owner) }

// CheckIdempotencyKey checks the form of an idempotency key: 1 to
// MaxIdempotencyKey characters of printable ASCII without spaces, such as
// a UUID or a random token.
func CheckIdempotencyKey(key string) error {
	if key == "" || len(key) > MaxIdempotencyKey {
		return fmt.Errorf("idempotency key: %d characters, want 1 to %d: %w", len(key), MaxIdempotencyKey, fault.Malformed)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return fmt.Errorf("idempotency key: byte %d is not printable ASCII: %w", i, fault.Malformed)
		}
	}
	return nil
}

// requestHash identifies what a create asks for: the process, the title
// and the data as sent, without the values of file fields (a browser that
// posts a form twice uploads its files twice, under new ids).
func requestHash(cat *definition.Catalog, req CreateRequest) string {
	data := req.Data
	if p := cat.Process(req.Process); p != nil {
		if f := cat.Form(p.Form.Value); f != nil {
			data = withoutFiles(f.AllFields(), data)
		}
	}
	b, err := json.Marshal(map[string]any{"process": req.Process, "title": req.Title, "data": canonical(data)})
	if err != nil {
		// canonical leaves only JSON-encodable values.
		panic(fmt.Sprintf("engine: hash create request: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// withoutFiles returns data without the values of file fields, also inside
// repeating groups; data itself is not changed.
func withoutFiles(fields []definition.Field, data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	for _, f := range fields {
		id := f.ID.Value
		switch {
		case f.Type == "file":
			delete(out, id)
		case len(f.Fields) > 0:
			entries, ok := out[id].([]any)
			if !ok {
				continue
			}
			copied := make([]any, len(entries))
			for i, entry := range entries {
				if m, ok := entry.(map[string]any); ok {
					copied[i] = withoutFiles(f.Fields, m)
				} else {
					copied[i] = entry
				}
			}
			out[id] = copied
		}
	}
	return out
}

// createOnce creates t under an idempotency key: the first request creates
// the ticket, a retry of the same request gets the same ticket (an
// anonymous caller only its number and tracking token), a retry while the
// first is still running gets fault.InProgress, and another request under the
// key gets ErrKeyReused. request is the request's hash ("" for the
// workflow's own creates, whose keys are unique per change).
func (e *Engine) createOnce(ctx context.Context, actor *auth.Principal, key, request string, t *ticket.Ticket, entry *ticket.HistoryEntry) (*ticket.Ticket, error) {
	id, err := createClaimID(actor, key)
	if err != nil {
		return nil, err
	}
	return e.createClaimed(ctx, actor, id, request, t, entry)
}

// createClaimID checks an idempotency key of actor and returns the id of
// its claim in create_requests.
func createClaimID(actor *auth.Principal, key string) (string, error) {
	if err := CheckIdempotencyKey(key); err != nil {
		return "", err
	}
	if actor == nil && len(key) < MinAnonymousKey {
		// All anonymous callers share one key space: a short key could be
		// guessed.
		return "", invalid("idempotency_key", "too_short", "anonymous_key_too_short", "min", MinAnonymousKey)
	}
	return "create/" + actorName(actor) + "/" + key, nil
}

// createdBefore answers a retried create whose ticket is stored: the ticket
// (see replayed), without validating the data or running the hooks again,
// so a retry gets what the first request got even when a hook would now
// fail or the definitions have changed since. It returns nil when the key
// has no finished create; the create then runs and claims the key.
func (e *Engine) createdBefore(ctx context.Context, actor *auth.Principal, req CreateRequest) (*ticket.Ticket, error) {
	id, err := createClaimID(actor, req.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	var claim createClaim
	err = e.store.Get(ctx, createsCollection, id, &claim)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("engine: read idempotency key: %w", err)
	}
	if claim.Request != "" && claim.Request != requestHash(e.catalog(), req) {
		return nil, fmt.Errorf("create %q: %w", id, ErrKeyReused)
	}
	if claim.Number == "" {
		return nil, nil
	}
	done, err := e.store.Ticket(ctx, claim.Number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // cut off before the ticket was stored
	}
	if err != nil {
		return nil, fmt.Errorf("engine: look up %s: %w", claim.Number, err)
	}
	return replayed(actor, done), nil
}

// createClaimed creates t under the claim id in create_requests: the first
// request creates the ticket, a retry gets the same ticket, a retry while
// the first is still running gets fault.InProgress, and another request (a
// different request hash, when both have one) gets ErrKeyReused.
//
// The number is drawn before the key is claimed, so that the claim's
// insert carries it: the number is noted before the ticket is stored
// without a write of its own. Requests of this process under one key take
// turns (keyLocks), so a retry racing its first request draws a number only
// when the first is done, and gives it back at once.
func (e *Engine) createClaimed(ctx context.Context, actor *auth.Principal, id, request string, t *ticket.Ticket, entry *ticket.HistoryEntry) (*ticket.Ticket, error) {
	defer e.keyLocks.lock(id)()
	if e.store.SingleProcess() {
		if created, done, err := e.createWithClaim(ctx, id, request, t, entry); done {
			return created, err
		}
	}
	for attempt := 0; attempt < 3; attempt++ {
		owner := e.creates.begin(e.instance)
		number, release, err := e.nextNumber(ctx, t, id)
		if err != nil {
			e.creates.end(owner)
			return nil, err
		}
		started := time.Now().UTC()
		claim := &createClaim{Key: id, Number: number, Request: request, Owner: owner, StartedAt: started, Claimed: ticket.SortTime(started), Version: 1}
		err = e.store.Insert(ctx, createsCollection, claim)
		if err == nil {
			return e.finishCreate(ctx, claim, t, entry, release)
		}
		e.creates.end(owner)
		// The number goes back: its next taker asks numberUnused first,
		// which finds this claim's key held by another number (or fences
		// this claim, should its insert have landed after all).
		release()
		if !errors.Is(err, store.ErrDuplicate) {
			return nil, fmt.Errorf("engine: claim idempotency key: %w", err)
		}
		var cur createClaim
		if err := e.store.Get(ctx, createsCollection, id, &cur); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("engine: read idempotency key: %w", err)
		}
		if cur.Request != "" && request != "" && cur.Request != request {
			return nil, fmt.Errorf("create %q: %w", id, ErrKeyReused)
		}
		if cur.Number != "" {
			done, err := e.store.Ticket(ctx, cur.Number)
			if err == nil {
				return replayed(actor, done), nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("engine: look up %s: %w", cur.Number, err)
			}
		}
		if !e.claimAbandoned(&cur) {
			return nil, fmt.Errorf("create %q: %w", id, fault.InProgress)
		}
		// The first attempt failed or its process is gone: take its claim
		// over.
		owner = e.creates.begin(e.instance)
		started = time.Now().UTC()
		v, err := e.store.Update(ctx, createsCollection, id, cur.Version, map[string]any{"$set": map[string]any{"started_at": started, "claimed": ticket.SortTime(started), "owner": owner}})
		if errors.Is(err, store.ErrConflict) {
			e.creates.end(owner)
			continue
		}
		if err != nil {
			e.creates.end(owner)
			return nil, fmt.Errorf("engine: take over idempotency key: %w", err)
		}
		cur.Version, cur.Owner = v, owner
		e.log.InfoContext(ctx, "finishing a create that was cut off", "key", id, "ticket", cur.Number)
		return e.finishCreate(ctx, &cur, t, entry, nil)
	}
	return nil, fmt.Errorf("create %q: %w", id, fault.InProgress)
}

// createWithClaim is createClaimed on a store one process owns, for a key
// without a claim. Requests under one key take turns in this process
// (keyLocks) and no other process writes, so no claim of the key can
// appear until this request stores its own: it is stored with the ticket,
// in the create's transaction, beside the number's claim (which names the
// key as createClaimed's does) — one write where createClaimed makes
// three. A crash leaves both or neither: the retry replays the ticket, or
// creates it anew. done is false when the key has a claim: createClaimed's
// general path answers that.
func (e *Engine) createWithClaim(ctx context.Context, id, request string, t *ticket.Ticket, entry *ticket.HistoryEntry) (created *ticket.Ticket, done bool, err error) {
	var cur createClaim
	err = e.store.Get(ctx, createsCollection, id, &cur)
	if err == nil {
		return nil, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, true, fmt.Errorf("engine: read idempotency key: %w", err)
	}
	owner := e.creates.begin(e.instance)
	number, reserved, release, err := e.reserveNumber(ctx, t, id)
	if err != nil {
		e.creates.end(owner)
		return nil, true, err
	}
	started := time.Now().UTC()
	claim := &createClaim{Key: id, Number: number, Request: request, Owner: owner, StartedAt: started, Claimed: ticket.SortTime(started), Version: 1}
	t.Number = number
	err = e.save(ctx, t, entry, reserved, store.Companion{Collection: createsCollection, Doc: claim})
	if err == nil {
		e.creates.end(owner)
		return t, true, nil
	}
	stored, lerr := e.store.Ticket(context.WithoutCancel(ctx), number)
	if lerr == nil {
		e.creates.end(owner)
		return stored, true, nil // the write landed although its answer was lost
	}
	if errors.Is(lerr, store.ErrNotFound) {
		// Written on its own, the claim may be stored without the ticket:
		// give it and the number back, as finishCreate does.
		e.abandonClaim(ctx, claim, release)
	} else {
		e.creates.end(owner)
	}
	return nil, true, err
}

// replayed is what a retried create answers: the ticket, or for an
// anonymous caller only what leads back to the request (its number and
// tracking token), never the data of whoever used the key first.
func replayed(actor *auth.Principal, t *ticket.Ticket) *ticket.Ticket {
	if actor != nil {
		return t
	}
	return &ticket.Ticket{Number: t.Number, Process: t.Process, Tracking: t.Tracking}
}

// claimAbandoned reports whether nobody works on a create claim any more:
// its attempt ran in this engine and has ended (it failed), or its process
// is gone (the claim is stale).
func (e *Engine) claimAbandoned(c *createClaim) bool {
	if strings.HasPrefix(c.Owner, e.instance+"/") {
		_, running := e.creates.running.Load(c.Owner)
		return !running
	}
	return e.store.Stale(c.StartedAt)
}

// finishCreate runs a claimed create to its end: note the number, store the
// ticket (unless the cut-off attempt did). A create that fails gives its
// claim and number back at once, so a retry (or the next create) can use
// them without waiting for the claim to go stale. release is set when the
// claim was inserted with a number just drawn (nothing can be stored under
// it yet); it gives that number back.
func (e *Engine) finishCreate(ctx context.Context, claim *createClaim, t *ticket.Ticket, entry *ticket.HistoryEntry, release func()) (*ticket.Ticket, error) {
	defer e.creates.end(claim.Owner)
	switch {
	case release != nil:
	case claim.Number != "":
		// Taken over from an attempt that was cut off, maybe after it
		// stored the ticket.
		existing, err := e.store.Ticket(ctx, claim.Number)
		if err == nil {
			return existing, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("engine: look up %s: %w", claim.Number, err)
		}
	default:
		// Taken over from an attempt without a number: its number was
		// fenced off for reuse, or the claim predates numbers in claims.
		number, rel, err := e.nextNumber(ctx, t, claim.Key)
		if err != nil {
			e.abandonClaim(ctx, claim, nil)
			return nil, err
		}
		v, err := e.store.Update(ctx, createsCollection, claim.Key, claim.Version, map[string]any{"$set": map[string]any{"number": number}})
		if err != nil {
			e.abandonClaim(ctx, claim, rel)
			return nil, fmt.Errorf("engine: note number of idempotent create: %w", err)
		}
		claim.Number, claim.Version, release = number, v, rel
	}
	t.Number = claim.Number
	if err := e.save(ctx, t, entry, store.Reserved{}); err != nil {
		stored, lerr := e.store.Ticket(context.WithoutCancel(ctx), claim.Number)
		if lerr == nil {
			return stored, nil // the write landed although its answer was lost
		}
		if errors.Is(lerr, store.ErrNotFound) {
			e.abandonClaim(ctx, claim, release)
		}
		return nil, err
	}
	return t, nil
}

// abandonClaim gives up the claim of a create that failed and the number
// it took (release, if not nil), so that its retry, or the next create,
// can use them at once. The claim is removed, which frees the key also for
// a retry that reaches another process. Should the removal fail too (the
// disk is full), the claim stays behind with its attempt ended, which lets
// this process take it over at once and others once it is stale.
func (e *Engine) abandonClaim(ctx context.Context, claim *createClaim, release func()) {
	if err := e.store.Delete(context.WithoutCancel(ctx), createsCollection, claim.Key); err != nil {
		e.log.DebugContext(ctx, "claim of a failed create left for its retry", "key", claim.Key, "error", err)
	}
	e.creates.end(claim.Owner) // before the number is handed out again
	if release != nil {
		release()
	}
}

// numberUnused answers the store's question whether a number handed out to
// a writer that is gone will never reach a ticket, so it may be handed out
// again (gap-free numbers across crashes). owner is the create claim the
// number was taken for, if any.
func (e *Engine) numberUnused(ctx context.Context, number, owner string) (bool, error) {
	_, err := e.store.Ticket(ctx, number)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if owner == "" {
		return true, nil // nobody can come back for it
	}
	// A conflict means a retry just took the claim over (or another
	// process fenced it): look again at what it holds now.
	for range 3 {
		var claim createClaim
		err = e.store.Get(ctx, createsCollection, owner, &claim)
		if errors.Is(err, store.ErrNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if claim.Number != "" && claim.Number != number {
			return true, nil // the create went on with another number
		}
		abandoned := e.claimAbandoned(&claim)
		if claim.Number == number && !abandoned {
			return false, nil // a retry is about to store it
		}
		if !abandoned {
			// A retry took the claim over (which fenced the dead writer)
			// and takes a number of its own.
			return true, nil
		}
		if claim.Number == number {
			// The first look for the ticket may have come just before an
			// attempt stored it and ended; an attempt ends only after its
			// write, so a look now that it has ended is the true answer.
			_, err := e.store.Ticket(ctx, number)
			if err == nil {
				return false, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return false, err
			}
		}
		// Fence the claim: a retry of the cut-off create then takes a new
		// number, and a late writer's next compare-and-set on the claim
		// fails.
		fence := map[string]any{"number": claim.Number}
		if claim.Number == number {
			fence["number"] = ""
		}
		_, err = e.store.Update(ctx, createsCollection, owner, claim.Version, map[string]any{"$set": fence})
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return false, err
		}
	}
	return false, nil // contended: the next look decides
}
