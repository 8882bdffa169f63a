package asset

import (
	"time"
)

// Collection names; docs/assets.md describes their fields.
const (
	AssetsCollection  = "assets"
	TicketsCollection = "asset_tickets"
)

// Asset is the stored form of a configuration item.
type Asset struct {
	// Number is the inventory number, unique across all classes regardless
	// of case, in the spelling it was created with.
	Number string `bson:"_id" json:"number"`
	// Key is the number in lower case, kept unique by an index, so that
	// alt-2010-00001 is refused beside ALT-2010-00001 and either finds it.
	Key    string `bson:"number_key,omitempty" json:"-"`
	Class  string `bson:"class" json:"class"`
	Name   string `bson:"name" json:"name"`
	Status string `bson:"status" json:"status"`
	// Data holds the class's field values, validated by its form.
	Data map[string]any `bson:"data,omitempty" json:"data"`
	// Relations maps a relation id of the class to its targets: inventory
	// numbers, user names or team ids. A relation without "many" has at
	// most one target.
	Relations map[string][]string `bson:"relations,omitempty" json:"relations"`
	// Targets repeats the relations as "target" and "relation:target" so
	// that one multikey index answers "assets related to X".
	Targets []string `bson:"targets,omitempty" json:"-"`

	Version   int64     `bson:"version" json:"version"`
	Created   time.Time `bson:"created" json:"created"`
	CreatedBy string    `bson:"created_by" json:"created_by"`
	Updated   time.Time `bson:"updated" json:"updated"`
	UpdatedBy string    `bson:"updated_by" json:"updated_by"`

	// History lists every change, oldest first; entry N made version N.
	History []Change `bson:"history" json:"-"`

	// StillReferenced is set on the asset an edit or Retire has just
	// retired: the assets, not retired themselves, whose relations still
	// point at it (the warning of docs/assets.md). Not stored.
	StillReferenced []Head `bson:"-" json:"still_referenced,omitempty"`
}

// Change is one entry of an asset's history.
type Change struct {
	At     time.Time     `bson:"at" json:"at"`
	Actor  string        `bson:"actor" json:"actor"`
	Type   string        `bson:"type" json:"type"`
	Fields []FieldChange `bson:"fields,omitempty" json:"fields,omitempty"`
}

// History entry types.
const (
	ChangeCreated  = "created"
	ChangeUpdated  = "updated"
	ChangeRetired  = "retired"
	ChangeImported = "imported"
)

// FieldChange is one changed value: "name", "status", "data.<field>" or
// "relations.<relation>", with the value before and after (nil: absent).
type FieldChange struct {
	Field string `bson:"field" json:"field"`
	Old   any    `bson:"old" json:"old"`
	New   any    `bson:"new" json:"new"`
}

// Head is the part of an asset lists and searches return.
type Head struct {
	Number  string `json:"number"`
	Class   string `json:"class"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Version int64  `json:"version"`
	// Targets as in Asset.
	Targets []string `json:"-"`
}

func headOf(a *Asset) Head {
	return Head{Number: a.Number, Class: a.Class, Name: a.Name, Status: a.Status, Version: a.Version, Targets: a.Targets}
}

// The package says what went wrong with the kinds of package fault:
// fault.NotFound, fault.Forbidden, fault.Conflict (the asset changed since
// the caller read it) and fault.Invalid, whose errors list the fields —
// "name", "status", "number", a data field's path or "relations.<id>".
