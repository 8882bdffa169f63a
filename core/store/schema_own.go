package store

import "slices"

// OwnSchema returns the store's own collections as Open declares them
// beside Config.Collections: with the rest, the whole list of indexes and
// query shapes (docs/data-model.md lists them, and a test checks it).
func OwnSchema() Schema { return slices.Clone(ownSchema) }
