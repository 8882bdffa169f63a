// Package search is vorgang's full-text search over tickets: a bleve index
// in the data folder, fed from the store's committed ticket writes and
// caught up from the store after a restart.
//
// The package knows the text of a ticket and how German and English words
// are found (analysis.go), how the index is kept (index.go, feed.go) and
// how a query is built (query.go). It knows no permission rules: the caller
// (the engine's Search use case) says in Scope which tickets and which
// comments the asker may see, and the index applies that inside the query,
// so a page of results never holds, counts or quotes a ticket the asker may
// not see. docs/search.md describes the design.
package search
