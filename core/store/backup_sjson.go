package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reading a snapshot's documents straight from SQLite.
//
// FerretDB answers a full read of a collection by decoding every row's JSON
// into its own document type, encoding that as BSON for the wire, and the
// driver decoding it again: about 0.2 ms of CPU per document, two minutes
// for 100k tickets with their history. A backup of a snapshot therefore
// reads the rows itself and writes each stored document as the line of
// canonical Extended JSON the driver would have written for FerretDB's
// answer (bson.MarshalExtJSON, canonical, HTML not escaped), without
// building a BSON document or a Go map in between: most of the cost left
// was the generic JSON decoding of every row, and stored documents of one
// collection share a handful of schemas, which are decoded once.
//
// The stored form (FerretDB v1's "sjson", frozen with v1, the last line
// with the SQLite backend) is one JSON object per document: "$s" holds the
// schema, {"p": {field: elem}, "$k": [fields in order]}, and each field its
// value. An elem names the BSON type ("t"), and for an object its schema
// ("$s"), for an array one elem per item ("i"), for binary data the subtype
// ("s"), for a regular expression the options ("o"). Values: doubles,
// int32 and int64 as JSON numbers, dates as milliseconds, timestamps as
// one unsigned 64-bit number, object ids as hex, binary data as base64; a
// JSON null is BSON null whatever the schema says. The archive test
// (TestSnapshotReadMatchesFerretDB) checks this writer against FerretDB's
// answer for every type vorgang and the test fixtures store.

// maxCachedSchemas bounds the schemas a converter remembers. The
// documents of most collections share a handful of schemas (history: four
// on a seeded 100k store), decoded once each; a ticket's schema lists its
// own fields, so tickets rarely share one, and remembering more of them
// would only hold memory.
const maxCachedSchemas = 256

// sjsonConverter writes stored documents as Extended JSON. It remembers
// the schemas it decoded, so it belongs to one reader at a time.
type sjsonConverter struct {
	schemas map[string]*sjsonSchema
}

func newSJSONConverter() *sjsonConverter {
	return &sjsonConverter{schemas: map[string]*sjsonSchema{}}
}

// snapshotRows reads the documents of coll from the snapshot's SQLite file
// in the order FerretDB's full read returns them (the table's rowid order),
// as canonical Extended JSON without a trailing newline, and hands each to
// fn. The slice is reused after fn returns.
func snapshotRows(ctx context.Context, db *sql.DB, coll string, fn func(line []byte) error) error {
	var table string
	err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table)
	if err != nil {
		return fmt.Errorf("look up the table of %s: %w", coll, err)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %q`, sqlColumn, table))
	if err != nil {
		return err
	}
	defer rows.Close()
	conv := newSJSONConverter()
	var line []byte
	for n := 1; rows.Next(); n++ {
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			return err
		}
		line, err = conv.appendDocument(line[:0], raw)
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	return rows.Err()
}

// openSnapshotSQL opens a snapshot's SQLite file for reading rows.
func openSnapshotSQL(ctx context.Context, file string) (*sql.DB, error) {
	ro := (&url.URL{Scheme: "file", Path: file, RawQuery: "mode=ro&_pragma=query_only(1)"}).String()
	db, err := sql.Open("sqlite", ro)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(snapshotReaders)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// appendDocument appends the Extended JSON of one stored document to dst.
func (c *sjsonConverter) appendDocument(dst, stored []byte) ([]byte, error) {
	members, err := jsonMembers(stored, nil)
	if err != nil {
		return nil, err
	}
	at := slices.IndexFunc(members, func(m jsonMember) bool { return string(m.key) == "$s" })
	if at < 0 {
		return nil, errors.New("no schema ($s)")
	}
	sch, err := c.schema(members[at].value)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	members = slices.Delete(members, at, at+1)
	return appendExtJSONDocument(dst, members, sch)
}

// schema decodes a stored schema, or returns the one decoded before from
// the same bytes.
func (c *sjsonConverter) schema(raw []byte) (*sjsonSchema, error) {
	if sch, ok := c.schemas[string(raw)]; ok {
		return sch, nil
	}
	sch, err := parseSJSONSchema(raw)
	if err != nil {
		return nil, err
	}
	if len(c.schemas) >= maxCachedSchemas {
		clear(c.schemas)
	}
	c.schemas[string(raw)] = sch
	return sch, nil
}

// appendExtJSONDocument appends the document of the stored members in the
// schema's order.
func appendExtJSONDocument(dst []byte, members []jsonMember, sch *sjsonSchema) ([]byte, error) {
	if len(members) == 0 {
		return append(dst, '{', '}'), nil
	}
	if sch == nil || len(sch.Keys) != len(members) {
		return nil, fmt.Errorf("the schema lists %d fields, the document has %d", schemaKeys(sch), len(members))
	}
	if sch.quoted == nil {
		sch.quoted = make([][]byte, len(sch.Keys))
		for i, key := range sch.Keys {
			sch.quoted[i] = append(appendExtJSONString(nil, key), ':')
		}
	}
	dst = append(dst, '{')
	for i, key := range sch.Keys {
		raw, err := memberValue(members, i, key)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, sch.quoted[i]...)
		if dst, err = appendExtJSONValue(dst, raw, sch.Properties[key]); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	return append(dst, '}'), nil
}

// memberValue returns the value of the member key, looked for first at
// position i, where FerretDB writes it.
func memberValue(members []jsonMember, i int, key string) ([]byte, error) {
	if i < len(members) && members[i].is(key) {
		return members[i].value, nil
	}
	for _, m := range members {
		if m.is(key) {
			return m.value, nil
		}
	}
	return nil, fmt.Errorf("field %q of the schema is missing", key)
}

// appendExtJSONValue appends the Extended JSON of the stored value raw of
// type el.
func appendExtJSONValue(dst, raw []byte, el *sjsonElem) ([]byte, error) {
	if string(raw) == "null" {
		return append(dst, "null"...), nil
	}
	if el == nil {
		return nil, errors.New("no type in the schema")
	}
	switch el.Type {
	case "object":
		members, err := jsonMembers(raw, nil)
		if err != nil {
			return nil, err
		}
		return appendExtJSONDocument(dst, members, el.Schema)
	case "array":
		items, err := jsonItems(raw)
		if err != nil {
			return nil, err
		}
		if len(items) != len(el.Items) {
			return nil, fmt.Errorf("the schema lists %d items, the array has %d", len(el.Items), len(items))
		}
		dst = append(dst, '[')
		for i, item := range items {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendExtJSONValue(dst, item, el.Items[i]); err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
		}
		return append(dst, ']'), nil
	case "double":
		f, err := jsonNumber(raw, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
		if err != nil {
			return nil, err
		}
		dst = append(dst, `{"$numberDouble":"`...)
		return append(appendExtJSONDouble(dst, f), `"}`...), nil
	case "string":
		return appendSJSONString(dst, raw)
	case "binData":
		s, err := jsonString(raw)
		if err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, err
		}
		if el.Subtype == nil {
			return nil, errors.New("binary data without a subtype")
		}
		dst = append(dst, `{"$binary":{"base64":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, b)
		dst = append(dst, `","subType":"`...)
		dst = hex.AppendEncode(dst, []byte{*el.Subtype})
		return append(dst, `"}}`...), nil
	case "objectId":
		s, err := jsonString(raw)
		if err != nil {
			return nil, err
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 12 {
			return nil, fmt.Errorf("object id %q", s)
		}
		dst = append(dst, `{"$oid":"`...)
		return append(hex.AppendEncode(dst, b), `"}`...), nil
	case "bool":
		if string(raw) != "true" && string(raw) != "false" {
			return nil, fmt.Errorf("boolean %q", raw)
		}
		return append(dst, raw...), nil
	case "date":
		ms, err := jsonNumber(raw, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
		if err != nil {
			return nil, err
		}
		dst = append(dst, `{"$date":{"$numberLong":"`...)
		return append(strconv.AppendInt(dst, ms, 10), `"}}`...), nil
	case "regex":
		pattern, err := jsonString(raw)
		if err != nil {
			return nil, err
		}
		if el.Options == nil {
			return nil, errors.New("regular expression without options")
		}
		// The driver writes the options sorted.
		opts := []rune(*el.Options)
		slices.Sort(opts)
		dst = append(dst, `{"$regularExpression":{"pattern":`...)
		dst = appendExtJSONString(dst, pattern)
		dst = append(dst, `,"options":`...)
		dst = appendExtJSONString(dst, string(opts))
		return append(dst, `}}`...), nil
	case "int":
		i, err := jsonNumber(raw, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 32) })
		if err != nil {
			return nil, err
		}
		dst = append(dst, `{"$numberInt":"`...)
		return append(strconv.AppendInt(dst, i, 10), `"}`...), nil
	case "long":
		i, err := jsonNumber(raw, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
		if err != nil {
			return nil, err
		}
		dst = append(dst, `{"$numberLong":"`...)
		return append(strconv.AppendInt(dst, i, 10), `"}`...), nil
	case "timestamp":
		ts, err := jsonNumber(raw, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) })
		if err != nil {
			return nil, err
		}
		dst = append(dst, `{"$timestamp":{"t":`...)
		dst = strconv.AppendUint(dst, ts>>32, 10)
		dst = append(dst, `,"i":`...)
		dst = strconv.AppendUint(dst, uint64(uint32(ts)), 10)
		return append(dst, `}}`...), nil
	}
	return nil, fmt.Errorf("unknown type %q", el.Type)
}

// jsonNumber parses a JSON number literal with parse.
func jsonNumber[T any](raw []byte, parse func(string) (T, error)) (T, error) {
	var zero T
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return zero, fmt.Errorf("number %q", raw)
	}
	v, err := parse(string(raw))
	if err != nil {
		return zero, fmt.Errorf("number %q: %w", raw, err)
	}
	return v, nil
}

// appendExtJSONDouble appends f as the driver's Extended JSON writer
// formats a double: at least one decimal place, names for the
// non-finite values.
func appendExtJSONDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'G', -1, 64)
	if !strings.ContainsAny(string(dst[start:]), "E.") {
		dst = append(dst, ".0"...)
	}
	return dst
}

// appendSJSONString appends the stored JSON string raw as an Extended
// JSON string. Most stored strings need no change: no escapes, valid
// UTF-8 and no line or paragraph separator, which the driver escapes.
func appendSJSONString(dst, raw []byte) ([]byte, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, fmt.Errorf("string %q", raw)
	}
	inner, ascii := raw[1:len(raw)-1], true
	for _, b := range inner {
		if b == '\\' || b == '"' || b < 0x20 {
			return appendSJSONStringSlow(dst, raw)
		}
		if b >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii && (!utf8.Valid(inner) || strings.Contains(string(inner), "\u2028") || strings.Contains(string(inner), "\u2029")) {
		return appendSJSONStringSlow(dst, raw)
	}
	return append(dst, raw...), nil
}

func appendSJSONStringSlow(dst, raw []byte) ([]byte, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return appendExtJSONString(dst, s), nil
}

// jsonString decodes the JSON string raw.
func jsonString(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		inner := raw[1 : len(raw)-1]
		if !slices.ContainsFunc(inner, func(b byte) bool { return b == '\\' || b == '"' || b < 0x20 || b >= utf8.RuneSelf }) {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

const hexDigits = "0123456789abcdef"

// appendExtJSONString appends s quoted and escaped as the driver's
// Extended JSON writer does without HTML escaping: quote, backslash and
// control characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped.
func appendExtJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
