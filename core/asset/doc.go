// Package asset keeps the configuration items of the CMDB: computers,
// phones, licences, vehicles, rooms. What an asset of a class holds is a
// definition (definition.AssetClass): its fields are form fields, validated
// by the same compiled form as a ticket's data; its statuses are its life
// cycle in order, the last one being "retired"; its relations point at
// other assets, users or teams; its inventory numbers are the class prefix
// and a gap-free sequence.
//
// # Storage
//
// An asset is one document in the assets collection whose _id is its
// inventory number, so every lookup by number is a get by _id, the one
// lookup the embedded store answers without decoding a collection. The
// document carries its own history (who changed what, old and new value)
// and its version: an edit is a single compare-and-set update (store.Update)
// that sets the new values and appends the history entry, so a change and
// its history cannot part, and of two concurrent edits of one version
// exactly one wins while the other gets fault.Conflict.
//
// The tickets linked to an asset are kept in asset_tickets/<number>, a
// document of its own so that opening a ticket on a device does not change
// the device's version under someone editing it.
//
// # Queries
//
// On MongoDB searches are queries served by the indexes Schema declares
// (the store creates them). The embedded store decodes a whole collection in Go for every
// filter other than _id (seconds at 10k documents), and one process owns
// it, so there the service keeps every asset without its history in memory
// (about 1.5 KB each): loaded once from the store, updated after every
// write of this process, and merged by version, so a write that overtakes
// the loading is never lost. Searches, exports and the comparison of an
// import with the stored assets read it instead of the database.
package asset
