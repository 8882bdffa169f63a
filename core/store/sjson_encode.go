package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// bsonToSJSON is the inverse of sjsonToBSON: it turns a BSON document into
// the stored form FerretDB v1 writes for it (backup_sjson.go describes the
// form), byte for byte as FerretDB's own encoder does, so that a row the
// store writes itself (ticket_write_sql.go) reads back exactly as one
// FerretDB wrote. TestSJSONEncodeMatchesFerretDB compares the two.
//
// Only the types vorgang stores are encoded, and what FerretDB's checks
// refuse on a write is refused here too (field names that are not UTF-8,
// start with "$", hold a dot or repeat; arrays in arrays; infinities), as
// the row is written without them. Its one correction is made as well: a
// negative zero is stored as zero. A nested "_id", which FerretDB would
// move to the front of its document, is refused rather than moved.
func bsonToSJSON(doc bsoncore.Document) ([]byte, error) {
	elems, err := doc.Elements()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"$s":`)
	if err := appendSchema(&buf, elems); err != nil {
		return nil, err
	}
	for _, el := range elems {
		buf.WriteByte(',')
		// FerretDB writes the top-level names unquoted by JSON's rules;
		// checkName has refused every name where that would differ.
		buf.WriteByte('"')
		buf.WriteString(el.Key())
		buf.WriteString(`":`)
		if err := appendSJSONOf(&buf, el.Value()); err != nil {
			return nil, fmt.Errorf("%s: %w", el.Key(), err)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// checkName refuses field names FerretDB does not store, and those its
// top-level writer would not quote correctly.
func checkName(key string) error {
	switch {
	case key == "":
		return errors.New("an empty field name")
	case !utf8.ValidString(key):
		return fmt.Errorf("field name %q is not UTF-8", key)
	case strings.HasPrefix(key, "$"), strings.Contains(key, "."):
		return fmt.Errorf("field name %q: FerretDB stores no names starting with $ or holding a dot", key)
	}
	quoted, _ := json.Marshal(key)
	if string(quoted) != `"`+key+`"` {
		return fmt.Errorf("field name %q needs escaping", key)
	}
	return nil
}

// appendSchema appends the schema ({"p": {...}, "$k": [...]}) of a
// document with elems.
func appendSchema(buf *bytes.Buffer, elems []bsoncore.Element) error {
	if len(elems) == 0 {
		buf.WriteString("{}")
		return nil
	}
	keys := make([]string, len(elems))
	seen := make(map[string]bool, len(elems))
	buf.WriteString(`{"p":{`)
	for i, el := range elems {
		if err := checkName(el.Key()); err != nil {
			return err
		}
		if seen[el.Key()] {
			return fmt.Errorf("field %q twice", el.Key())
		}
		seen[el.Key()] = true
		keys[i] = el.Key()
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(el.Key())
		buf.Write(k)
		buf.WriteByte(':')
		if err := appendElemSchema(buf, el.Value()); err != nil {
			return fmt.Errorf("%s: %w", el.Key(), err)
		}
	}
	buf.WriteString(`},"$k":`)
	k, _ := json.Marshal(keys)
	buf.Write(k)
	buf.WriteByte('}')
	return nil
}

// appendElemSchema appends the type of one value.
func appendElemSchema(buf *bytes.Buffer, v bsoncore.Value) error {
	switch v.Type {
	case bsontype.EmbeddedDocument:
		elems, err := v.Document().Elements()
		if err != nil {
			return err
		}
		for _, el := range elems {
			if el.Key() == "_id" {
				return errors.New(`a subdocument with an "_id"`)
			}
		}
		buf.WriteString(`{"t":"object","$s":`)
		if err := appendSchema(buf, elems); err != nil {
			return err
		}
		buf.WriteByte('}')
	case bsontype.Array:
		vals, err := v.Array().Values()
		if err != nil {
			return err
		}
		buf.WriteString(`{"t":"array","i":[`)
		for i, item := range vals {
			if i > 0 {
				buf.WriteByte(',')
			}
			if item.Type == bsontype.Array {
				return errors.New("nested arrays are not supported")
			}
			if err := appendElemSchema(buf, item); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
		buf.WriteString(`]}`)
	case bsontype.Double:
		buf.WriteString(`{"t":"double"}`)
	case bsontype.String:
		buf.WriteString(`{"t":"string"}`)
	case bsontype.Binary:
		sub, _ := v.Binary()
		fmt.Fprintf(buf, `{"t":"binData","s":%d}`, sub)
	case bsontype.ObjectID:
		buf.WriteString(`{"t":"objectId"}`)
	case bsontype.Boolean:
		buf.WriteString(`{"t":"bool"}`)
	case bsontype.DateTime:
		buf.WriteString(`{"t":"date"}`)
	case bsontype.Null:
		buf.WriteString(`{"t":"null"}`)
	case bsontype.Int32:
		buf.WriteString(`{"t":"int"}`)
	case bsontype.Int64:
		buf.WriteString(`{"t":"long"}`)
	case bsontype.Timestamp:
		buf.WriteString(`{"t":"timestamp"}`)
	default:
		return fmt.Errorf("BSON type %s is not written directly", v.Type)
	}
	return nil
}

// appendSJSONOf appends one value in its stored form.
func appendSJSONOf(buf *bytes.Buffer, v bsoncore.Value) error {
	var out any
	switch v.Type {
	case bsontype.EmbeddedDocument:
		elems, err := v.Document().Elements()
		if err != nil {
			return err
		}
		buf.WriteByte('{')
		for i, el := range elems {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(el.Key())
			buf.Write(k)
			buf.WriteByte(':')
			if err := appendSJSONOf(buf, el.Value()); err != nil {
				return fmt.Errorf("%s: %w", el.Key(), err)
			}
		}
		buf.WriteByte('}')
		return nil
	case bsontype.Array:
		vals, err := v.Array().Values()
		if err != nil {
			return err
		}
		buf.WriteByte('[')
		for i, item := range vals {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendSJSONOf(buf, item); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
		buf.WriteByte(']')
		return nil
	case bsontype.Null:
		buf.WriteString("null")
		return nil
	case bsontype.Double:
		f := v.Double()
		if math.IsInf(f, 0) {
			return errors.New("infinity values are not allowed")
		}
		if f == 0 {
			f = 0 // FerretDB stores -0 as 0
		}
		out = f
	case bsontype.String:
		out = v.StringValue()
	case bsontype.Binary:
		_, b := v.Binary()
		out = b
	case bsontype.ObjectID:
		oid := v.ObjectID()
		out = oid.Hex()
	case bsontype.Boolean:
		out = v.Boolean()
	case bsontype.DateTime:
		out = v.DateTime()
	case bsontype.Int32:
		out = v.Int32()
	case bsontype.Int64:
		out = v.Int64()
	case bsontype.Timestamp:
		t, i := v.Timestamp()
		out = uint64(t)<<32 | uint64(i)
	default:
		return fmt.Errorf("BSON type %s is not written directly", v.Type)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}
