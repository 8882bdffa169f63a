package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// MaxPage is the largest page Inbox and DueBefore return.
const MaxPage = 200

// Inbox returns one page of open tickets, sorted by due time, and the
// cursor of the next page ("" on the last page).
func (s *Store) Inbox(ctx context.Context, q ticket.Query) ([]ticket.Head, string, error) {
	owner, value, err := queryOwner(q)
	if err != nil {
		return nil, "", err
	}
	limit := pageSize(q.Limit)
	var rows []ticket.Head
	if s.sql != nil {
		rows, err = s.inboxSQL(ctx, owner, value, q, limit+1)
	} else {
		rows, err = s.inboxMongo(ctx, owner, value, q, limit+1)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: inbox of %s %s: %w", owner, value, err)
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[limit-1].Cursor()
	}
	return rows, next, nil
}

func queryOwner(q ticket.Query) (field, value string, err error) {
	set := 0
	for _, f := range []struct{ name, value string }{{"team", q.Team}, {"assignee", q.Assignee}, {"requester", q.Requester}} {
		if f.value != "" {
			field, value = f.name, f.value
			set++
		}
	}
	if set != 1 {
		return "", "", errors.New("store: inbox needs exactly one of team, assignee, requester")
	}
	return field, value, nil
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > MaxPage:
		return MaxPage
	}
	return n
}

func splitCursor(c string) (due, number string, err error) {
	due, number, ok := strings.Cut(c, "|")
	if !ok || len(due) != len(ticket.NoDue) {
		return "", "", fmt.Errorf("store: invalid cursor %q", c)
	}
	return due, number, nil
}

// headColumns reads the ticket.Head fields of a row.
var headColumns = strings.Join([]string{
	text("_id"), text("process"), text("title"), text("state"), text("priority"),
	text("team"), text("assignee"), text("requester"), text("due"),
	`strftime('%Y-%m-%dT%H:%M:%SZ', ` + text("updated") + ` / 1000.0, 'unixepoch')`,
}, ", ")

func scanHeads(rows *sql.Rows) ([]ticket.Head, error) {
	defer rows.Close()
	var out []ticket.Head
	for rows.Next() {
		var h ticket.Head
		var cols [10]sql.NullString
		if err := rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6], &cols[7], &cols[8], &cols[9]); err != nil {
			return nil, err
		}
		h.Number, h.Process, h.Title, h.State, h.Priority = cols[0].String, cols[1].String, cols[2].String, cols[3].String, cols[4].String
		h.Team, h.Assignee, h.Requester, h.Due, h.Updated = cols[5].String, cols[6].String, cols[7].String, cols[8].String, cols[9].String
		out = append(out, h)
	}
	return out, rows.Err()
}

// inboxQuerySQL builds the SQL of an inbox page: a range of the
// (open, owner, due) index, with the optional filters applied to the rows
// the range yields.
func (s *Store) inboxQuerySQL(ctx context.Context, owner, value string, q ticket.Query, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	v, err := jsonValue(value)
	if err != nil {
		return "", nil, err
	}
	open := "'true'"
	if q.Closed {
		open = "'false'"
	}
	where := []string{field("open") + " = " + open, field(owner) + " = ?"}
	args := []any{v}
	in := func(name string, values []string) error {
		if len(values) == 0 {
			return nil
		}
		marks := make([]string, len(values))
		for i, x := range values {
			jv, err := jsonValue(x)
			if err != nil {
				return err
			}
			marks[i] = "?"
			args = append(args, jv)
		}
		where = append(where, field(name)+" IN ("+strings.Join(marks, ", ")+")")
		return nil
	}
	if err := in("state", q.States); err != nil {
		return "", nil, err
	}
	if err := in("priority", q.Priorities); err != nil {
		return "", nil, err
	}
	if q.Process != "" {
		if err := in("process", []string{q.Process}); err != nil {
			return "", nil, err
		}
	}
	if q.Text != "" {
		where = append(where, fmt.Sprintf("(instr(%[1]s(%[2]s), ?) > 0 OR instr(%[1]s(%[3]s), ?) > 0)", foldFunction, text("title"), text("_id")))
		args = append(args, strings.ToLower(q.Text), strings.ToLower(q.Text))
	}
	if q.After != "" {
		due, number, err := splitCursor(q.After)
		if err != nil {
			return "", nil, err
		}
		jd, _ := jsonValue(due)
		jn, _ := jsonValue(number)
		where = append(where, afterRow("due"))
		args = append(args, jd, jd, jn)
	}
	query := fmt.Sprintf("SELECT %s FROM %q WHERE %s ORDER BY %s, %s LIMIT %d",
		headColumns, table, strings.Join(where, " AND "), field("due"), field("_id"), limit)
	return query, args, nil
}

func (s *Store) inboxSQL(ctx context.Context, owner, value string, q ticket.Query, limit int) ([]ticket.Head, error) {
	query, args, err := s.inboxQuerySQL(ctx, owner, value, q, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanHeads(rows)
}

func (s *Store) inboxMongo(ctx context.Context, owner, value string, q ticket.Query, limit int) ([]ticket.Head, error) {
	filter := bson.D{{Key: "open", Value: !q.Closed}, {Key: owner, Value: value}}
	if q.Text != "" {
		re := primitive.Regex{Pattern: regexp.QuoteMeta(q.Text), Options: "i"}
		// In $and: the page cursor below is an $or of its own.
		filter = append(filter, bson.E{Key: "$and", Value: bson.A{bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "title", Value: re}}, bson.D{{Key: "_id", Value: re}}}}}}})
	}
	if len(q.States) > 0 {
		filter = append(filter, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: q.States}}})
	}
	if len(q.Priorities) > 0 {
		filter = append(filter, bson.E{Key: "priority", Value: bson.D{{Key: "$in", Value: q.Priorities}}})
	}
	if q.Process != "" {
		filter = append(filter, bson.E{Key: "process", Value: q.Process})
	}
	if q.After != "" {
		due, number, err := splitCursor(q.After)
		if err != nil {
			return nil, err
		}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "due", Value: bson.D{{Key: "$gt", Value: due}}}},
			bson.D{{Key: "due", Value: due}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: number}}}},
		}})
	}
	shape := map[string]string{"team": shapeInboxTeam, "assignee": shapeInboxAssignee, "requester": shapeInboxRequester}[owner]
	if owner == "team" && q.Closed && q.Text != "" {
		shape = shapeInboxTeamClosedText
	}
	return s.findHeads(ctx, shape, filter, limit)
}

var headProjection = bson.D{
	{Key: "process", Value: 1}, {Key: "title", Value: 1}, {Key: "state", Value: 1}, {Key: "priority", Value: 1},
	{Key: "team", Value: 1}, {Key: "assignee", Value: 1}, {Key: "requester", Value: 1}, {Key: "due", Value: 1}, {Key: "updated", Value: 1},
}

func (s *Store) findHeads(ctx context.Context, shape string, filter bson.D, limit int) ([]ticket.Head, error) {
	cur, err := s.db.Collection(TicketsCollection).Find(ctx, filter, options.Find().SetComment(shape).
		SetSort(bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(limit)).
		SetProjection(headProjection))
	if err != nil {
		return nil, err
	}
	var docs []ticket.Ticket
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]ticket.Head, len(docs))
	for i, t := range docs {
		out[i] = ticket.Head{Number: t.Number, Process: t.Process, Title: t.Title, State: t.State, Priority: t.Priority,
			Team: t.Team, Assignee: t.Assignee, Requester: t.Requester, Due: t.Due, Updated: ticket.SortTime(t.Updated)}
	}
	return out, nil
}

// DueBefore returns open tickets whose due time is before due (ticket.SortTime
// text), earliest first: the SLA sweep's input. At most limit rows (default
// 50, at most MaxPage); page with after, the Cursor of the last row.
func (s *Store) DueBefore(ctx context.Context, due string, after string, limit int) ([]ticket.Head, error) {
	limit = pageSize(limit)
	if s.sql == nil {
		filter := bson.D{{Key: "open", Value: true}, {Key: "due", Value: bson.D{{Key: "$lt", Value: due}}}}
		if after != "" {
			d, n, err := splitCursor(after)
			if err != nil {
				return nil, err
			}
			filter = append(filter, bson.E{Key: "$or", Value: bson.A{
				bson.D{{Key: "due", Value: bson.D{{Key: "$gt", Value: d}}}},
				bson.D{{Key: "due", Value: d}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: n}}}},
			}})
		}
		rows, err := s.findHeads(ctx, shapeDueBefore, filter, limit)
		if err != nil {
			return nil, fmt.Errorf("store: tickets due before %s: %w", due, err)
		}
		return rows, nil
	}
	query, args, err := s.dueBeforeSQL(ctx, due, after, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tickets due before %s: %w", due, err)
	}
	return scanHeads(rows)
}

func (s *Store) dueBeforeSQL(ctx context.Context, due, after string, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	jd, err := jsonValue(due)
	if err != nil {
		return "", nil, err
	}
	where := []string{field("open") + " = 'true'", field("due") + " < ?"}
	args := []any{jd}
	if after != "" {
		d, n, err := splitCursor(after)
		if err != nil {
			return "", nil, err
		}
		jd, _ := jsonValue(d)
		jn, _ := jsonValue(n)
		where = append(where, afterRow("due"))
		args = append(args, jd, jd, jn)
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s ORDER BY %s, %s LIMIT %d",
		headColumns, table, strings.Join(where, " AND "), field("due"), field("_id"), limit), args, nil
}

// Count is the number of open tickets with one team, state and priority.
type Count struct {
	Team     string
	State    string
	Priority string
	N        int64
}

// Counts returns the open tickets counted per team, state and priority, for
// dashboards.
func (s *Store) Counts(ctx context.Context) ([]Count, error) {
	if s.sql == nil {
		return s.countOpen(ctx)
	}
	return s.counts.read(ctx, s.countOpen)
}

// countOpen counts the open tickets per team, state and priority, through
// the index on the embedded store.
func (s *Store) countOpen(ctx context.Context) ([]Count, error) {
	groups, err := s.openGroups(ctx, "team", "state", "priority")
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	out := make([]Count, len(groups))
	for i, g := range groups {
		out[i] = Count{Team: g.keys[0], State: g.keys[1], Priority: g.keys[2], N: g.n}
	}
	return out, nil
}

// StateCount is the number of open tickets of one process in one state.
type StateCount struct {
	Process string
	State   string
	N       int64
}

// OpenByState returns the open tickets counted per process and state, for
// checking which tickets a change of the definitions would strand. Unlike
// Counts it is not cached: it is asked when definitions change, not per
// page.
func (s *Store) OpenByState(ctx context.Context) ([]StateCount, error) {
	groups, err := s.openGroups(ctx, "process", "state")
	if err != nil {
		return nil, fmt.Errorf("store: open tickets by state: %w", err)
	}
	out := make([]StateCount, len(groups))
	for i, g := range groups {
		out[i] = StateCount{Process: g.keys[0], State: g.keys[1], N: g.n}
	}
	return out, nil
}

// CatalogCount is how many open tickets started on a definition version.
type CatalogCount struct {
	Catalog string
	N       int64
}

// OpenByCatalog returns the open tickets counted per definition version
// they started on (the ticket's catalog), for the admin pages' version
// history.
func (s *Store) OpenByCatalog(ctx context.Context) ([]CatalogCount, error) {
	groups, err := s.openGroups(ctx, "catalog")
	if err != nil {
		return nil, fmt.Errorf("store: open tickets by definition version: %w", err)
	}
	out := make([]CatalogCount, len(groups))
	for i, g := range groups {
		out[i] = CatalogCount{Catalog: g.keys[0], N: g.n}
	}
	return out, nil
}

// openGroups groups the open tickets by keys: through SQL over an (open,
// keys...) index on the embedded store, by aggregation on MongoDB.
func (s *Store) openGroups(ctx context.Context, keys ...string) ([]openGroup, error) {
	if s.sql == nil {
		return s.openGroupsMongo(ctx, keys...)
	}
	return s.openGroupsSQL(ctx, keys...)
}

// openGroup is one group of open tickets: its values of the grouped
// fields, in order, and how many tickets it has.
type openGroup struct {
	keys []string
	n    int64
}

func (s *Store) openGroupsMongo(ctx context.Context, keys ...string) ([]openGroup, error) {
	id := bson.D{}
	for _, k := range keys {
		id = append(id, bson.E{Key: k, Value: "$" + k})
	}
	cur, err := s.db.Collection(TicketsCollection).Aggregate(ctx, mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "open", Value: true}}}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: id}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	}, options.Aggregate().SetComment(groupShape(keys)))
	if err != nil {
		return nil, err
	}
	var groups []struct {
		ID map[string]any `bson:"_id"`
		N  int64          `bson:"n"`
	}
	if err := cur.All(ctx, &groups); err != nil {
		return nil, err
	}
	out := make([]openGroup, len(groups))
	for i, g := range groups {
		out[i].n = g.N
		for _, k := range keys {
			v, _ := g.ID[k].(string)
			out[i].keys = append(out[i].keys, v)
		}
	}
	return out, nil
}

// TicketByTracking returns the number of the ticket with the citizen
// tracking token, or an error wrapping ErrNotFound.
func (s *Store) TicketByTracking(ctx context.Context, token string) (string, error) {
	if token == "" {
		return "", fmt.Errorf("store: ticket by tracking token: %w", ErrNotFound)
	}
	var number string
	if s.sql == nil {
		var t struct {
			Number string `bson:"_id"`
		}
		err := s.db.Collection(TicketsCollection).FindOne(ctx, bson.D{{Key: "tracking", Value: token}},
			options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetComment(shapeByTracking)).Decode(&t)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return "", fmt.Errorf("store: ticket by tracking token: %w", ErrNotFound)
		}
		if err != nil {
			return "", fmt.Errorf("store: ticket by tracking token: %w", err)
		}
		return t.Number, nil
	}
	query, args, err := s.byTrackingSQL(ctx, token)
	if err != nil {
		return "", err
	}
	err = s.sql.db.QueryRowContext(ctx, query, args...).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: ticket by tracking token: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: ticket by tracking token: %w", err)
	}
	return number, nil
}

func (s *Store) byTrackingSQL(ctx context.Context, token string) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	jv, err := jsonValue(token)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s = ?", text("_id"), table, field("tracking")), []any{jv}, nil
}
