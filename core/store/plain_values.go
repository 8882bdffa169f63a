package store

import (
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsoncodec"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

// plainValues is the registry the store decodes with. Where a document
// holds free-form values (a ticket's data and ext, a history entry's data,
// an outbox payload, anything decoded into an interface), the driver's
// default is its own types: primitive.A for lists, primitive.DateTime for
// times, int32 for small numbers, primitive.D for documents outside a map.
// Decoding into plain Go values here, once, spares every package above the
// store from knowing the driver: documents become map[string]any, lists
// []any, times time.Time (UTC), whole numbers int64, other numbers float64.
// Rare types vorgang never writes (ObjectID, binary, decimal) keep the
// driver's type.
var plainValues = newPlainValues()

func newPlainValues() *bsoncodec.Registry {
	reg := bson.NewRegistry()
	reg.RegisterTypeMapEntry(bsontype.EmbeddedDocument, reflect.TypeFor[map[string]any]())
	reg.RegisterTypeMapEntry(bsontype.Array, reflect.TypeFor[[]any]())
	reg.RegisterTypeMapEntry(bsontype.DateTime, reflect.TypeFor[time.Time]())
	reg.RegisterTypeMapEntry(bsontype.Int32, reflect.TypeFor[int64]())
	return reg
}
