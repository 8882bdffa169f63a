package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzSJSONSchema: the backup's own schema decoder reads what
// json.Unmarshal reads from the same bytes, and refuses no schema
// json.Unmarshal accepts.
func FuzzSJSONSchema(f *testing.F) {
	for _, seed := range []string{
		`{"p":{"_id":{"t":"string"},"seq":{"t":"long"},"data":{"t":"object","$s":{"p":{"a":{"t":"array","i":[{"t":"int"},{"t":"string"}]}},"$k":["a"]}}},"$k":["_id","seq","data"]}`,
		`{"p":{"b":{"t":"binData","s":4},"r":{"t":"regex","o":"im"},"e\u00e9\"":{"t":"double"}},"$k":["b","r","e\u00e9\""]}`,
		`{"p":{},"$k":[]}`,
		`{}`,
		`{"p":null,"$k":null,"x":[1,{"y":true}]}`,
		`{"p":{"a":{"t":"double","t":"int"}},"$k":["a"],"$k":["a"]}`,
		` { "p" : { "\u0061" : { "t" : "\u0069nt" } } , "$k" : [ "a" ] } `,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// FerretDB writes the member names of a schema in lower case;
		// json.Unmarshal would take them in any case (K and ſ fold to
		// k and s, too), the backup's decoder only as written.
		if bytes.ContainsAny(raw, "PKTSOI\u212a\u017f") {
			return
		}
		var want *sjsonSchema
		if err := json.Unmarshal(raw, &want); err != nil {
			return
		}
		got, err := parseSJSONSchema(raw)
		if err != nil {
			t.Fatalf("parseSJSONSchema(%q): %v; json.Unmarshal accepts it", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			t.Fatalf("parseSJSONSchema(%q) = %s, json.Unmarshal = %s", raw, gj, wj)
		}
	})
}
