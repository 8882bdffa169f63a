package app

import (
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/engine"
)

// Collections gathers the collections every package declares for the
// store, so each opener of the database asks for the same list. A package
// that adds collections is added here, and only here.
func Collections() []string {
	var out []string
	out = append(out, auth.Collections()...)
	out = append(out, engine.Collections()...)
	out = append(out, asset.Collections()...)
	return out
}
