package app

import (
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/knowledge"
	"vorgang/core/mailin"
	"vorgang/core/store"
)

// Schema gathers the collections and query shapes every package declares
// for the store, so each opener of the database asks for the same list. A
// package that adds collections is added here, and only here.
func Schema() store.Schema {
	var out store.Schema
	out = append(out, auth.Schema()...)
	out = append(out, engine.Schema()...)
	out = append(out, asset.Schema()...)
	out = append(out, mailin.Schema()...)
	out = append(out, knowledge.Schema()...)
	return out
}
