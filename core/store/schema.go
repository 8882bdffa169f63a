package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
)

// Schema declares collections to the store: the collections a package
// reads and writes, their indexes and the query shapes it issues. A
// package exports its Schema once; Open takes them all (Config.Collections).
type Schema []CollectionSpec

// CollectionSpec is one collection. Every collection is read and written by
// its _id; a query on any other field is one of Shapes.
type CollectionSpec struct {
	Name string
	// Indexes serve the shapes on MongoDB. The embedded store creates
	// those that keep values unique or serve a shape it answers through
	// SQL; FerretDB itself never answers a query from them.
	Indexes []Index
	// Shapes are the queries issued on the collection other than by _id.
	Shapes []QueryShape
}

// Index is an ascending index on Keys.
type Index struct {
	Keys   []string
	Unique bool
	// Sparse leaves documents without the field out of the index, so a
	// unique index may be added to a collection whose older documents lack
	// the field (MongoDB; FerretDB ignores the option and accepts any
	// number of documents without the field anyway).
	Sparse bool
}

// QueryShape is one query on a collection: the fields it filters on by
// equality, then its range or sort field, in index order (MongoDB's
// equality-sort-range rule).
type QueryShape struct {
	Name string
	Keys []string
	// Residual are further fields the query may compare by equality among
	// the documents the index finds.
	Residual []string
	// Scans accepts that the query reads the whole collection on every
	// backend: for small collections, or scheduled jobs that run rarely.
	// Without it, Keys must be a prefix of one of the collection's indexes,
	// and on the embedded store the store must answer it through SQL (its
	// plan is checked at Open) unless InMemory is set.
	Scans bool
	// InMemory says the owning package answers the shape from its own
	// in-memory index on the embedded store and sends it to the store only
	// on MongoDB.
	InMemory bool
	// SortsFound accepts that the embedded store sorts the rows the index
	// finds instead of reading them in order. Without it the index must
	// also give the order, so a page never reads more than it shows.
	SortsFound bool
	// UpTo declares the range query of Store.IDsUpTo on the shape's one
	// key, which the store answers on every backend; other packages'
	// shapes need no SQL of their own for it.
	UpTo bool
}

// ErrUnregistered is returned for a collection or query shape that no
// Schema given to Open declares.
var ErrUnregistered = errors.New("not registered with the store")

// ownSchema is the store's own collections. Every one of them is read by
// _id, which the embedded store answers from the extra _id index (see
// addIDIndexes); tickets and the outbox grow with use and are listed
// through indexes.
var ownSchema = Schema{
	{Name: TicketsCollection, Indexes: []Index{
		// Lists are ordered by due time and then number: with _id in the
		// index a page is a seek, even where thousands of tickets share a
		// due time (every ticket opened outside business hours does).
		{Keys: []string{"open", "team", "due", "_id"}},
		{Keys: []string{"open", "assignee", "due", "_id"}},
		{Keys: []string{"open", "requester", "due", "_id"}},
		{Keys: []string{"open", "due", "_id"}},
		{Keys: []string{"open", "team", "state", "priority"}},
		{Keys: []string{"open", "process", "state"}},
		{Keys: []string{"open", "catalog"}},
		{Keys: []string{"tracking"}, Unique: true},
		{Keys: []string{"updated", "_id"}},
		// The reports read the tickets created, and those closed, in
		// their weeks: a range of one of these each, whatever came later.
		{Keys: []string{"created", "_id"}},
		{Keys: []string{"closed_at", "_id"}},
	}, Shapes: []QueryShape{
		{Name: shapeInboxTeam, Keys: []string{"open", "team", "due", "_id"}},
		{Name: shapeInboxTeamClosedText, Keys: []string{"open", "team", "due", "_id"}},
		{Name: shapeInboxAssignee, Keys: []string{"open", "assignee", "due", "_id"}},
		{Name: shapeInboxRequester, Keys: []string{"open", "requester", "due", "_id"}},
		{Name: shapeDueBefore, Keys: []string{"open", "due", "_id"}},
		{Name: shapeCounts, Keys: []string{"open", "team", "state", "priority"}},
		{Name: shapeOpenByState, Keys: []string{"open", "process", "state"}},
		{Name: shapeOpenOfProcess, Keys: []string{"open", "process", "state"}},
		{Name: shapeTicketNumbers, Keys: []string{"_id"}},
		{Name: shapeByTracking, Keys: []string{"tracking"}},
		{Name: shapeFindTickets, Scans: true},
		{Name: shapeChangedSince, Keys: []string{"updated", "_id"}},
		{Name: shapeCreatedBetween, Keys: []string{"created", "_id"}},
		{Name: shapeClosedBetween, Keys: []string{"closed_at", "_id"}},
		{Name: shapeTicketTexts, Keys: []string{"_id"}},
		{Name: shapeTicketsByNumber, Keys: []string{"_id"}},
		{Name: shapeOpenByCatalog, Keys: []string{"open", "catalog"}},
	}},
	{Name: OutboxCollection, Indexes: []Index{
		{Keys: []string{"state", "next_at", "_id"}},
	}, Shapes: []QueryShape{
		// Due items are in two states (pending, claimed), so no one index
		// range is in next_at order; the rows due now are sorted, which
		// stays small as a failing delivery waits longer each time.
		{Name: shapeOutboxDue, Keys: []string{"state", "next_at"}, SortsFound: true},
		{Name: shapeOutboxList, Keys: []string{"state", "next_at", "_id"}},
		{Name: shapeOutboxBefore, Keys: []string{"_id"}},
		{Name: shapeOutboxCounts, Keys: []string{"state"}},
	}},
	{Name: HistoryCollection, Shapes: []QueryShape{{Name: shapeHistoryTexts, Keys: []string{"_id"}}, {Name: shapeHistoryByID, Keys: []string{"_id"}}}}, {Name: metaCollection}, {Name: countersCollection},
	{Name: counterClaimsCollection}, {Name: idempotencyCollection}, {Name: TombstonesCollection},
	// A lease's current record is its highest epoch (lease.go); the
	// records of older epochs are deleted by name and epoch.
	{Name: leasesCollection, Indexes: []Index{{Keys: []string{"name", "epoch"}}}},
	{Name: AttachmentsCollection, Indexes: []Index{
		{Keys: []string{"pending_since"}},
	}, Shapes: []QueryShape{
		{Name: shapePendingUploads, Keys: []string{"pending_since"}, UpTo: true},
		{Name: shapeAttachmentRange, Keys: []string{"_id"}},
	}},
	{Name: AttachmentChunksCollection, Shapes: []QueryShape{{Name: shapeChunkRange, Keys: []string{"_id"}}}},
	{Name: DefinitionVersionsCollection, Shapes: []QueryShape{{Name: shapeDefinitionVersions, Scans: true}}},
}

// Names of the store's own query shapes.
const (
	shapeInboxTeam           = "inbox.team"
	shapeInboxTeamClosedText = "inbox.team.closed.text"
	shapeInboxAssignee       = "inbox.assignee"
	shapeInboxRequester      = "inbox.requester"
	shapeDueBefore           = "due_before"
	shapeCounts              = "counts"
	shapeOpenByState         = "counts.process_state"
	shapeOpenOfProcess       = "tickets.open_of_process"
	// The versions are few (one per change of the definitions) and
	// listed on an admin page: a scan, without their files.
	shapeDefinitionVersions = "definition_versions.list"
	shapeTicketNumbers      = "ticket.numbers"
	shapeByTracking         = "ticket.by_tracking"
	shapeFindTickets        = "tickets.find"
	shapeChangedSince       = "tickets.changed_since"
	shapeCreatedBetween     = "tickets.created_between"
	shapeClosedBetween      = "tickets.closed_between"
	shapeTicketTexts        = "tickets.texts"
	shapeTicketsByNumber    = "tickets.by_number"
	shapeOpenByCatalog      = "counts.catalog"
	shapeHistoryTexts       = "history.texts"
	shapeHistoryByID        = "history.by_id"
	shapeOutboxDue          = "outbox.due"
	shapeOutboxList         = "outbox.list"
	shapeOutboxBefore       = "outbox.before"
	shapeOutboxCounts       = "outbox.counts"
)

// registry is the collections an open store knows, by name.
type registry map[string]*CollectionSpec

// newRegistry checks the schemas and indexes them by collection. A
// collection declared twice must be declared the same way.
func newRegistry(schemas ...Schema) (registry, error) {
	r := registry{}
	for _, schema := range schemas {
		for i := range schema {
			c := &schema[i]
			if prev, ok := r[c.Name]; ok {
				if !sameSpec(prev, c) {
					return nil, fmt.Errorf("store: collection %s is declared twice, differently", c.Name)
				}
				continue
			}
			if err := c.check(); err != nil {
				return nil, err
			}
			r[c.Name] = c
		}
	}
	return r, nil
}

func sameSpec(a, b *CollectionSpec) bool {
	return fmt.Sprint(*a) == fmt.Sprint(*b)
}

// check reports a shape that no index serves.
func (c *CollectionSpec) check() error {
	names := map[string]bool{}
	for _, sh := range c.Shapes {
		if names[sh.Name] {
			return fmt.Errorf("store: collection %s declares query %s twice", c.Name, sh.Name)
		}
		names[sh.Name] = true
		if sh.Scans || slices.Equal(sh.Keys, []string{"_id"}) {
			continue
		}
		if !slices.ContainsFunc(c.Indexes, func(ix Index) bool { return isPrefix(sh.Keys, ix.Keys) }) {
			return fmt.Errorf("store: query %s on %s filters on %s, which no index of the collection starts with",
				sh.Name, c.Name, strings.Join(sh.Keys, ", "))
		}
	}
	return nil
}

// embeddedNeeds reports whether the embedded store needs ix: to keep values
// unique, or to serve a shape it answers through SQL. An index serving only
// shapes answered from memory would cost every write and help nothing.
func (c *CollectionSpec) embeddedNeeds(ix Index) bool {
	if ix.Unique {
		return true
	}
	for _, sh := range c.Shapes {
		if !sh.InMemory && isPrefix(sh.Keys, ix.Keys) {
			return true
		}
	}
	return len(c.Shapes) == 0
}

func isPrefix(keys, of []string) bool {
	return len(keys) > 0 && len(keys) <= len(of) && slices.Equal(keys, of[:len(keys)])
}

// names lists the registered collections.
func (r registry) names() []string {
	out := make([]string, 0, len(r))
	for name := range r {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// collection returns an error wrapping ErrUnregistered unless coll is
// registered.
func (r registry) collection(coll string) error {
	if _, ok := r[coll]; !ok {
		return fmt.Errorf("store: collection %s: %w", coll, ErrUnregistered)
	}
	return nil
}

// shape returns the declared query shape, or an error wrapping
// ErrUnregistered.
func (r registry) shape(coll, name string) (QueryShape, error) {
	c, ok := r[coll]
	if !ok {
		return QueryShape{}, fmt.Errorf("store: query %s: collection %s: %w", name, coll, ErrUnregistered)
	}
	for _, sh := range c.Shapes {
		if sh.Name == name {
			return sh, nil
		}
	}
	return QueryShape{}, fmt.Errorf("store: query %s on %s: %w", name, coll, ErrUnregistered)
}

// keys is the index as the driver takes it.
func (ix Index) keys() bson.D {
	d := make(bson.D, len(ix.Keys))
	for i, k := range ix.Keys {
		d[i] = bson.E{Key: k, Value: 1}
	}
	return d
}

// name is the index's name, the one MongoDB would choose: field_1_field_1.
func (ix Index) name() string {
	parts := make([]string, 0, 2*len(ix.Keys))
	for _, k := range ix.Keys {
		parts = append(parts, k, "1")
	}
	return strings.Join(parts, "_")
}
