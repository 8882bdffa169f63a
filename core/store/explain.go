package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"

	"vorgang/core/ticket"
)

// ShapePlan is how the database answers one declared query shape: the
// plan its explain gives and what is wrong with it.
type ShapePlan struct {
	Collection, Shape string
	// Query is the query explained, as the store sends it.
	Query string
	// Plan is the plan's stages, outermost first ("LIMIT < FETCH < IXSCAN
	// open_1_team_1_due_1__id_1"), or the embedded store's SQL plan.
	Plan string
	// Scan is set when the plan reads the whole collection (COLLSCAN, or
	// a FerretDB that filters every document in its own process), Sort
	// when it sorts in memory (a SORT stage, or a sort not pushed down).
	Scan, Sort bool
	// Declared is set when the shape is declared to scan (Scans), InMemory
	// when the embedded store leaves it to the package that declares it,
	// which answers it from memory: either way its plan is no problem.
	Declared, InMemory bool
	// Problem says what is wrong; "" when nothing is.
	Problem string
}

// ExplainShapes explains every declared query shape against the database:
// in MongoDB mode with the explain command (queryPlanner verbosity, so
// nothing runs), on the embedded store with SQLite's EXPLAIN QUERY PLAN of
// the SQL the store sends. It only reads.
func (s *Store) ExplainShapes(ctx context.Context) ([]ShapePlan, error) {
	var out []ShapePlan
	for _, name := range s.schema.names() {
		c := s.schema[name]
		for _, sh := range c.Shapes {
			p := ShapePlan{Collection: name, Shape: sh.Name, Declared: sh.Scans, InMemory: s.sql != nil && sh.InMemory && !sh.Scans}
			var err error
			if s.sql != nil {
				err = s.explainSQL(ctx, c, sh, &p)
			} else {
				err = s.explainMongo(ctx, c, sh, &p)
			}
			if err != nil {
				return out, fmt.Errorf("store: explain %s on %s: %w", sh.Name, name, err)
			}
			if !p.Declared && !p.InMemory {
				switch {
				case p.Scan:
					p.Problem = "reads the whole collection"
				case p.Sort && !sh.SortsFound:
					p.Problem = "sorts in memory"
				}
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// explainSQL checks the shape's SQL as Open does (verifyPlan).
func (s *Store) explainSQL(ctx context.Context, c *CollectionSpec, sh QueryShape, p *ShapePlan) error {
	switch {
	case sh.Scans:
		p.Plan, p.Scan = "scan (declared)", true
		return nil
	case sh.InMemory:
		p.Plan = "answered from memory by the package that declares it"
		return nil
	}
	if err := s.verifyPlan(ctx, c.Name, sh); err != nil {
		p.Plan, p.Problem = err.Error(), err.Error()
		p.Scan = strings.Contains(err.Error(), "scan")
		p.Sort = !p.Scan
		return nil
	}
	p.Plan = "SQLite searches an index"
	return nil
}

// explainMongo sends the shape's sample query to the explain command.
func (s *Store) explainMongo(ctx context.Context, c *CollectionSpec, sh QueryShape, p *ShapePlan) error {
	cmd := sampleCommand(c, sh)
	p.Query = bsonText(cmd)
	var reply bson.Raw
	err := s.db.RunCommand(ctx, bson.D{{Key: "explain", Value: cmd}, {Key: "verbosity", Value: "queryPlanner"}}).Decode(&reply)
	if err != nil {
		return err
	}
	readExplain(reply, cmd, p)
	return nil
}

// readExplain reads a MongoDB explain reply, or FerretDB's (which has no
// stages but says whether it pushed the filter and the sort down).
func readExplain(reply bson.Raw, cmd bson.D, p *ShapePlan) {
	var stages []string
	walkPlan(reply, false, &stages)
	if len(stages) > 0 {
		p.Plan = strings.Join(stages, " < ")
		for _, st := range stages {
			name, _, _ := strings.Cut(st, " ")
			p.Scan = p.Scan || name == "COLLSCAN"
			p.Sort = p.Sort || name == "SORT"
		}
		return
	}
	filterDown, hasFilter := reply.Lookup("filterPushdown").BooleanOK()
	sortDown, hasSort := reply.Lookup("sortPushdown").BooleanOK()
	if !hasFilter && !hasSort {
		p.Plan, p.Scan = "no plan in the explain reply", true
		return
	}
	p.Plan = fmt.Sprintf("FerretDB: filter pushed down %t, sort pushed down %t", filterDown, sortDown)
	filter, sort := commandParts(cmd)
	p.Scan = len(filter) > 0 && !filterDown
	p.Sort = len(sort) > 0 && !sortDown
}

// walkPlan collects the stages of winning plans, outermost first, with the
// index an IXSCAN reads; rejected plans are left out.
func walkPlan(doc bson.Raw, inPlan bool, stages *[]string) {
	elems, err := doc.Elements()
	if err != nil {
		return
	}
	if inPlan {
		if stage, ok := doc.Lookup("stage").StringValueOK(); ok {
			if ix, ok := doc.Lookup("indexName").StringValueOK(); ok {
				stage += " " + ix
			}
			*stages = append(*stages, stage)
		}
	}
	for _, e := range elems {
		key := e.Key()
		if key == "rejectedPlans" {
			continue
		}
		into := inPlan || key == "winningPlan"
		switch e.Value().Type {
		case bson.TypeEmbeddedDocument:
			walkPlan(e.Value().Document(), into, stages)
		case bson.TypeArray:
			vals, _ := e.Value().Array().Values()
			for _, v := range vals {
				if d, ok := v.DocumentOK(); ok {
					walkPlan(d, into, stages)
				}
			}
		}
	}
}

// sampleCommand is the query the store sends for a shape, with sample
// values: the store's own shapes as their code builds them (see the
// MongoDB branches in ticket_query.go, outbox*.go, ticket_*.go), other
// packages' as Find and IDsUpTo build them.
func sampleCommand(c *CollectionSpec, sh QueryShape) bson.D {
	if cmd, ok := ownSamples(c.Name, sh.Name); ok {
		return cmd
	}
	if sh.UpTo && len(sh.Keys) == 1 {
		return find(c.Name, bson.D{{Key: sh.Keys[0], Value: bson.D{{Key: "$lte", Value: "x"}}}}, bson.D{{Key: sh.Keys[0], Value: 1}})
	}
	filter := bson.D{}
	var equal []Condition
	for _, k := range sh.Keys {
		if k == "_id" {
			continue
		}
		filter = append(filter, bson.E{Key: k, Value: "x"})
		equal = append(equal, Condition{Field: k})
	}
	sort := bson.D{{Key: "_id", Value: 1}}
	if (registry{c.Name: c}).unique(c.Name, equal) {
		sort = nil
	}
	return find(c.Name, filter, sort)
}

func find(coll string, filter, sort bson.D) bson.D {
	cmd := bson.D{{Key: "find", Value: coll}, {Key: "filter", Value: filter}}
	if len(sort) > 0 {
		cmd = append(cmd, bson.E{Key: "sort", Value: sort}, bson.E{Key: "limit", Value: 51})
	}
	return cmd
}

// ownSamples are the store's own shapes as sent in MongoDB mode.
func ownSamples(coll, shape string) (bson.D, bool) {
	due := bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}
	inbox := func(owner string, open bool, more ...bson.E) bson.D {
		return find(coll, append(bson.D{{Key: "open", Value: open}, {Key: owner, Value: "x"}}, more...), due)
	}
	re := primitive.Regex{Pattern: regexp.QuoteMeta("drucker"), Options: "i"}
	group := func(keys ...string) bson.D {
		id := bson.D{}
		for _, k := range keys {
			id = append(id, bson.E{Key: k, Value: "$" + k})
		}
		return bson.D{{Key: "aggregate", Value: coll}, {Key: "pipeline", Value: mongo.Pipeline{
			{{Key: "$match", Value: bson.D{{Key: "open", Value: true}}}},
			{{Key: "$group", Value: bson.D{{Key: "_id", Value: id}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		}}, {Key: "cursor", Value: bson.D{}}}
	}
	byID := bson.D{{Key: "_id", Value: 1}}
	now := ticket.SortTime(time.Now())
	samples := map[string]bson.D{
		shapeInboxTeam: inbox("team", true, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{"new"}}}}),
		shapeInboxTeamClosedText: inbox("team", false, bson.E{Key: "$and", Value: bson.A{bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "title", Value: re}}, bson.D{{Key: "_id", Value: re}}}}}}}),
		shapeInboxAssignee:  inbox("assignee", true),
		shapeInboxRequester: inbox("requester", true),
		shapeDueBefore:      find(coll, bson.D{{Key: "open", Value: true}, {Key: "due", Value: bson.D{{Key: "$lt", Value: now}}}}, due),
		shapeCounts:         group("team", "state", "priority"),
		shapeOpenByState:    group("process", "state"),
		shapeOpenByCatalog:  group("catalog"),
		shapeOpenOfProcess: find(coll, bson.D{{Key: "open", Value: true}, {Key: "process", Value: "x"},
			{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{"new"}}}}}, nil),
		shapeTicketNumbers: find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: ""}}}}, byID),
		shapeByTracking:    find(coll, bson.D{{Key: "tracking", Value: "x"}}, nil),
		shapeFindTickets:   find(coll, bson.D{{Key: "process", Value: "x"}}, byID),
		shapeChangedSince: find(coll, bson.D{{Key: "updated", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}}}},
			bson.D{{Key: "updated", Value: 1}, {Key: "_id", Value: 1}}),
		shapeCreatedBetween: find(coll, bson.D{{Key: "created", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}, {Key: "$lt", Value: time.Unix(1, 0)}}}},
			bson.D{{Key: "created", Value: 1}, {Key: "_id", Value: 1}}),
		shapeClosedBetween: find(coll, bson.D{{Key: "closed_at", Value: bson.D{{Key: "$gte", Value: time.Unix(0, 0)}, {Key: "$lt", Value: time.Unix(1, 0)}}}},
			bson.D{{Key: "closed_at", Value: 1}, {Key: "_id", Value: 1}}),
		shapeTicketTexts:     find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: ""}}}}, byID),
		shapeTicketsByNumber: find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"A", "B"}}}}}, nil),
		shapeHistoryTexts:    find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: "A"}, {Key: "$lt", Value: "B"}}}}, byID),
		shapeOutboxDue: find(coll, bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{OutboxPending, OutboxClaimed}}}},
			{Key: "next_at", Value: bson.D{{Key: "$lte", Value: now}}}}, bson.D{{Key: "next_at", Value: 1}}),
		shapeOutboxList: find(coll, bson.D{{Key: "state", Value: OutboxFailed}}, bson.D{{Key: "next_at", Value: 1}, {Key: "_id", Value: 1}}),
		shapeOutboxBefore: find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: "webhook/w/IT-1/"}, {Key: "$lt", Value: "webhook/w/IT-1/2"}}},
			{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{OutboxPending, OutboxClaimed}}}}}, nil),
		shapeAttachmentRange: find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: "kbfile-"}, {Key: "$lt", Value: "kbfile-2"}}}}, byID),
		shapeChunkRange:      find(coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: "kbfile-"}, {Key: "$lt", Value: "kbfile-2"}}}}, byID),
		shapeOutboxCounts:    find(coll, bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{OutboxPending, OutboxClaimed, OutboxFailed}}}}}, nil),
	}
	ownColl := map[string]string{shapeHistoryTexts: HistoryCollection, shapeOutboxDue: OutboxCollection, shapeOutboxList: OutboxCollection,
		shapeOutboxBefore: OutboxCollection, shapeOutboxCounts: OutboxCollection, shapeDefinitionVersions: DefinitionVersionsCollection,
		shapeAttachmentRange: AttachmentsCollection, shapeChunkRange: AttachmentChunksCollection}
	want, ok := ownColl[shape]
	if !ok {
		want = TicketsCollection
	}
	cmd, found := samples[shape]
	return cmd, found && want == coll
}

// commandParts returns the filter (or first $match) and the sort of cmd.
func commandParts(cmd bson.D) (filter, sort bson.D) {
	for _, e := range cmd {
		switch e.Key {
		case "filter":
			filter, _ = e.Value.(bson.D)
		case "sort":
			sort, _ = e.Value.(bson.D)
		case "pipeline":
			if p, ok := e.Value.(mongo.Pipeline); ok && len(p) > 0 && p[0][0].Key == "$match" {
				filter, _ = p[0][0].Value.(bson.D)
			}
		}
	}
	return filter, sort
}

func bsonText(d bson.D) string {
	raw, err := bson.Marshal(d)
	if err != nil {
		return fmt.Sprint(d)
	}
	return bson.Raw(raw).String()
}

// Problems returns the plans with a problem.
func Problems(plans []ShapePlan) []ShapePlan {
	return slices.DeleteFunc(slices.Clone(plans), func(p ShapePlan) bool { return p.Problem == "" })
}

// ExplainedQuery is the query ExplainShapes sends for a declared shape, as
// Observe would report it: a test compares it with the queries the
// operations send, so doctor explains what the store really asks.
func (s *Store) ExplainedQuery(coll, shape string) (IssuedQuery, error) {
	sh, err := s.schema.shape(coll, shape)
	if err != nil {
		return IssuedQuery{}, err
	}
	cmd := sampleCommand(s.schema[coll], sh)
	raw, err := bson.Marshal(cmd)
	if err != nil {
		return IssuedQuery{}, fmt.Errorf("store: query %s on %s: %w", shape, coll, err)
	}
	qs := issuedQueries(cmd[0].Key, raw)
	if len(qs) != 1 {
		return IssuedQuery{}, fmt.Errorf("store: query %s on %s: %d queries in the command explained", shape, coll, len(qs))
	}
	qs[0].Shape = shape
	return qs[0], nil
}
