package store

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// Decoding FerretDB's stored form (described in backup_sjson.go) into the
// BSON document FerretDB would have sent, for reads that go to the SQLite
// rows directly (TicketsByNumber).

// sjsonSchema is the schema of a stored document or subdocument.
type sjsonSchema struct {
	Properties map[string]*sjsonElem `json:"p"`
	Keys       []string              `json:"$k"`

	// quoted holds each of Keys as an Extended JSON string followed by
	// a colon, made once per schema (backup_sjson.go).
	quoted [][]byte
}

// sjsonElem is the type of one stored value.
type sjsonElem struct {
	Type    string       `json:"t"`
	Schema  *sjsonSchema `json:"$s"`
	Options *string      `json:"o"`
	Items   []*sjsonElem `json:"i"`
	Subtype *byte        `json:"s"`
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
