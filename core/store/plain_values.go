package store

import (
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsoncodec"
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
	reg.RegisterTypeMapEntry(bson.TypeEmbeddedDocument, reflect.TypeFor[map[string]any]())
	reg.RegisterTypeMapEntry(bson.TypeArray, reflect.TypeFor[[]any]())
	reg.RegisterTypeMapEntry(bson.TypeDateTime, reflect.TypeFor[time.Time]())
	reg.RegisterTypeMapEntry(bson.TypeInt32, reflect.TypeFor[int64]())
	return reg
}
