package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// Reading a snapshot's documents straight from SQLite.
//
// FerretDB answers a full read of a collection by decoding every row's JSON
// into its own document type, encoding that as BSON for the wire, and the
// driver decoding it again: about 0.2 ms of CPU per document, two minutes
// for 100k tickets with their history. A backup of a snapshot therefore
// reads the rows itself and turns FerretDB's stored form into BSON
// directly, which is what the driver would have received.
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
// (TestSnapshotReadMatchesFerretDB) checks this decoder against FerretDB's
// answer for every type vorgang and the test fixtures store.

// sjsonSchema is the schema of a stored document or subdocument.
type sjsonSchema struct {
	Properties map[string]*sjsonElem `json:"p"`
	Keys       []string              `json:"$k"`
}

// sjsonElem is the type of one stored value.
type sjsonElem struct {
	Type    string       `json:"t"`
	Schema  *sjsonSchema `json:"$s"`
	Options *string      `json:"o"`
	Items   []*sjsonElem `json:"i"`
	Subtype *byte        `json:"s"`
}

// snapshotRows reads the documents of coll from the snapshot's SQLite file
// in the order FerretDB's full read returns them (the table's rowid order),
// as BSON, and hands each to fn.
func snapshotRows(ctx context.Context, db *sql.DB, coll string, fn func(bsoncore.Document) error) error {
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
	var doc []byte
	for n := 1; rows.Next(); n++ {
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			return err
		}
		doc, err = sjsonToBSON(doc[:0], raw)
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if err := fn(doc); err != nil {
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

// sjsonToBSON appends the BSON form of one stored document to dst.
func sjsonToBSON(dst, stored []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(stored, &fields); err != nil {
		return nil, err
	}
	rawSchema, ok := fields["$s"]
	if !ok {
		return nil, errors.New("no schema ($s)")
	}
	var sch sjsonSchema
	if err := json.Unmarshal(rawSchema, &sch); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	delete(fields, "$s")
	return appendSJSONDocument(dst, fields, &sch)
}

// appendSJSONDocument appends the document of fields, in the schema's
// order.
func appendSJSONDocument(dst []byte, fields map[string]json.RawMessage, sch *sjsonSchema) ([]byte, error) {
	idx, dst := bsoncore.AppendDocumentStart(dst)
	if len(fields) > 0 {
		if sch == nil || len(sch.Keys) != len(fields) {
			return nil, fmt.Errorf("the schema lists %d fields, the document has %d", schemaKeys(sch), len(fields))
		}
		for _, key := range sch.Keys {
			raw, ok := fields[key]
			if !ok {
				return nil, fmt.Errorf("field %q of the schema is missing", key)
			}
			var err error
			if dst, err = appendSJSONValue(dst, key, raw, sch.Properties[key]); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
	}
	return bsoncore.AppendDocumentEnd(dst, idx)
}

func schemaKeys(sch *sjsonSchema) int {
	if sch == nil {
		return 0
	}
	return len(sch.Keys)
}

// appendSJSONValue appends the element key with the stored value raw of
// type el.
func appendSJSONValue(dst []byte, key string, raw json.RawMessage, el *sjsonElem) ([]byte, error) {
	if string(raw) == "null" {
		return bsoncore.AppendNullElement(dst, key), nil
	}
	if el == nil {
		return nil, errors.New("no type in the schema")
	}
	switch el.Type {
	case "object":
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, err
		}
		dst = bsoncore.AppendHeader(dst, bson.TypeEmbeddedDocument, key)
		return appendSJSONDocument(dst, fields, el.Schema)
	case "array":
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		if len(items) != len(el.Items) {
			return nil, fmt.Errorf("the schema lists %d items, the array has %d", len(el.Items), len(items))
		}
		idx, dst := bsoncore.AppendArrayElementStart(dst, key)
		for i, item := range items {
			var err error
			if dst, err = appendSJSONValue(dst, strconv.Itoa(i), item, el.Items[i]); err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
		}
		return bsoncore.AppendArrayEnd(dst, idx)
	case "double":
		var f float64
		err := json.Unmarshal(raw, &f)
		return bsoncore.AppendDoubleElement(dst, key, f), err
	case "string":
		var s string
		err := json.Unmarshal(raw, &s)
		return bsoncore.AppendStringElement(dst, key, s), err
	case "binData":
		var b []byte
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, err
		}
		if el.Subtype == nil {
			return nil, errors.New("binary data without a subtype")
		}
		return bsoncore.AppendBinaryElement(dst, key, *el.Subtype, b), nil
	case "objectId":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 12 {
			return nil, fmt.Errorf("object id %q", s)
		}
		return bsoncore.AppendObjectIDElement(dst, key, [12]byte(b)), nil
	case "bool":
		var b bool
		err := json.Unmarshal(raw, &b)
		return bsoncore.AppendBooleanElement(dst, key, b), err
	case "date":
		var ms int64
		err := json.Unmarshal(raw, &ms)
		return bsoncore.AppendDateTimeElement(dst, key, ms), err
	case "regex":
		var pattern string
		if err := json.Unmarshal(raw, &pattern); err != nil {
			return nil, err
		}
		if el.Options == nil {
			return nil, errors.New("regular expression without options")
		}
		return bsoncore.AppendRegexElement(dst, key, pattern, *el.Options), nil
	case "int":
		var i int32
		err := json.Unmarshal(raw, &i)
		return bsoncore.AppendInt32Element(dst, key, i), err
	case "long":
		var i int64
		err := json.Unmarshal(raw, &i)
		return bsoncore.AppendInt64Element(dst, key, i), err
	case "timestamp":
		var ts uint64
		err := json.Unmarshal(raw, &ts)
		return bsoncore.AppendTimestampElement(dst, key, uint32(ts>>32), uint32(ts)), err
	}
	return nil, fmt.Errorf("unknown type %q", el.Type)
}
