package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"vorgang/core/ticket"
)

// TicketText is what a full-text index needs of a ticket: its head, its
// form data and the entries of its history that carry text.
type TicketText struct {
	// Ticket has every field but Links, Children, Tracking, Due and the
	// hashes; Ext holds the approval's manager and the deciders only.
	// Numbers in Data may come back as float64.
	Ticket ticket.Ticket
	// Entries are the committed entries of the ticket in order, with
	// Seq, Type and of Data only text, comment, internal and
	// comment_internal.
	Entries []ticket.HistoryEntry
}

// TicketTexts returns up to limit tickets after the number after, in
// number order, with their text: a rebuild of a search index reads the
// store with it page by page. On the embedded store it reads SQLite
// directly, over the _id indexes: one range of tickets and one range of
// their history entries per page, not one round trip per document.
func (s *Store) TicketTexts(ctx context.Context, after string, limit int) ([]TicketText, error) {
	if _, err := s.schema.shape(TicketsCollection, shapeTicketTexts); err != nil {
		return nil, err
	}
	limit = max(1, min(limit, 1000))
	var out []TicketText
	var err error
	if s.sql != nil {
		out, err = s.ticketTextsSQL(ctx, after, limit)
	} else {
		out, err = s.ticketTextsMongo(ctx, after, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: ticket texts after %q: %w", after, err)
	}
	return out, nil
}

// textEntryFields are the history fields a TicketText keeps.
var textEntryFields = []string{"text", "comment", "internal", "comment_internal"}

// textRange is the _id range of the history entries of the tickets
// first..last: "<number>/<8 digits>" sorts after "<number>/" and before
// "<number>0".
func textRange(first, last string) (string, string) { return first + "/", last + "0" }

func (s *Store) ticketTextsMongo(ctx context.Context, after string, limit int) ([]TicketText, error) {
	cur, err := s.db.Collection(TicketsCollection).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetComment(shapeTicketTexts).
			SetProjection(bson.D{{Key: "links", Value: 0}, {Key: "children", Value: 0}, {Key: "tracking", Value: 0}}))
	if err != nil {
		return nil, err
	}
	var tickets []ticket.Ticket
	if err := cur.All(ctx, &tickets); err != nil {
		return nil, err
	}
	if len(tickets) == 0 {
		return nil, nil
	}
	lo, hi := textRange(tickets[0].Number, tickets[len(tickets)-1].Number)
	proj := bson.D{{Key: "ticket", Value: 1}, {Key: "seq", Value: 1}, {Key: "type", Value: 1}}
	for _, f := range textEntryFields {
		proj = append(proj, bson.E{Key: "data." + f, Value: 1})
	}
	hcur, err := s.db.Collection(HistoryCollection).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: lo}, {Key: "$lt", Value: hi}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(proj).SetComment(shapeHistoryTexts))
	if err != nil {
		return nil, err
	}
	var entries []ticket.HistoryEntry
	if err := hcur.All(ctx, &entries); err != nil {
		return nil, err
	}
	return joinTexts(tickets, entries), nil
}

// joinTexts gives each ticket its committed entries; both lists are in
// _id order.
func joinTexts(tickets []ticket.Ticket, entries []ticket.HistoryEntry) []TicketText {
	out := make([]TicketText, len(tickets))
	byNumber := make(map[string]int, len(tickets))
	for i, t := range tickets {
		out[i].Ticket = t
		byNumber[t.Number] = i
	}
	for _, e := range entries {
		i, ok := byNumber[e.Ticket]
		if !ok || e.Seq > out[i].Ticket.Version {
			continue // another ticket's prefix, or not committed
		}
		out[i].Entries = append(out[i].Entries, e)
	}
	return out
}

// ticketTextsSQL reads FerretDB's JSON documents directly: strings,
// booleans and numbers are JSON values there, dates their milliseconds.
func (s *Store) ticketTextsSQL(ctx context.Context, after string, limit int) ([]TicketText, error) {
	q, args, err := s.ticketTextsQuerySQL(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var tickets []ticket.Ticket
	for rows.Next() {
		var c [14]sql.NullString
		dest := make([]any, len(c))
		for i := range c {
			dest[i] = &c[i]
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		t := ticket.Ticket{Number: c[0].String, Process: c[1].String, Title: c[2].String, State: c[3].String,
			Category: c[4].String, Team: c[5].String, Assignee: c[6].String, Requester: c[7].String,
			Priority: c[8].String, Open: c[9].String == "1" || c[9].String == "true"}
		t.Version, _ = strconv.ParseInt(c[10].String, 10, 64)
		t.Created, t.Updated = msTime(c[11].String), msTime(c[12].String)
		if c[13].Valid {
			var doc struct {
				Data map[string]any `json:"data"`
				Ext  map[string]any `json:"ext"`
			}
			if err := json.Unmarshal([]byte(c[13].String), &doc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("ticket %s: %w", t.Number, err)
			}
			t.Data, t.Ext = doc.Data, doc.Ext
		}
		tickets = append(tickets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(tickets) == 0 {
		return nil, nil
	}
	hq, hargs, err := s.historyTextsQuerySQL(ctx, tickets[0].Number, tickets[len(tickets)-1].Number)
	if err != nil {
		return nil, err
	}
	hrows, err := s.sql.db.QueryContext(ctx, hq, hargs...)
	if err != nil {
		return nil, err
	}
	defer hrows.Close()
	var entries []ticket.HistoryEntry
	for hrows.Next() {
		var c [7]sql.NullString
		if err := hrows.Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6]); err != nil {
			return nil, err
		}
		e := ticket.HistoryEntry{Ticket: c[0].String, Type: c[2].String, Data: map[string]any{}}
		e.Seq, _ = strconv.ParseInt(c[1].String, 10, 64)
		for i, f := range textEntryFields {
			v := c[3+i]
			switch {
			case !v.Valid:
			case i < 2:
				e.Data[f] = v.String
			default:
				e.Data[f] = v.String == "1" || v.String == "true"
			}
		}
		entries = append(entries, e)
	}
	if err := hrows.Err(); err != nil {
		return nil, err
	}
	return joinTexts(tickets, entries), nil
}

func msTime(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// ticketTextsQuerySQL reads a page of tickets over FerretDB's _id index
// (the same expression as TicketNumbers). The last column is a JSON
// object of the data and the ext sub-documents.
func (s *Store) ticketTextsQuerySQL(ctx context.Context, after string, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, TicketsCollection)
	if err != nil {
		return "", nil, err
	}
	ja, err := jsonValue(after)
	if err != nil {
		return "", nil, err
	}
	cols := []string{text("_id"), text("process"), text("title"), text("state"), text("category"), text("team"),
		text("assignee"), text("requester"), text("priority"), text("open"), text(VersionField), text("created"), text("updated"),
		fmt.Sprintf("json_object('data', %[1]s->'$.data', 'ext', %[1]s->'$.ext')", sqlColumn)}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s > ? ORDER BY %s LIMIT %d",
		strings.Join(cols, ", "), table, field("_id"), field("_id"), limit), []any{ja}, nil
}

// historyTextsQuerySQL reads the history entries of the tickets
// first..last over the _id index addIDIndexes made.
func (s *Store) historyTextsQuerySQL(ctx context.Context, first, last string) (string, []any, error) {
	table, err := s.sql.table(ctx, HistoryCollection)
	if err != nil {
		return "", nil, err
	}
	lo, hi := textRange(first, last)
	id := sqlColumn + "->'$._id'"
	cols := []string{text("ticket"), text("seq"), text("type")}
	for _, f := range textEntryFields {
		cols = append(cols, fmt.Sprintf("%s->>'$.data.%s'", sqlColumn, f))
	}
	jlo, _ := jsonValue(lo)
	jhi, _ := jsonValue(hi)
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s > ? AND %s < ? ORDER BY %s", strings.Join(cols, ", "), table, id, id, id),
		[]any{jlo, jhi}, nil
}
