// Package ticket is vorgang's ticket model: the stored ticket, its history
// entries and the typed form of each entry kind, shared by the store, the
// engine, the pages, notifications and scenarios so that none of them
// reads the stored maps by key on its own.
//
// A history entry is stored as a type name and a data map, and the map is
// what the entry's hash covers (the engine's tamper-evident chain). The
// typed entries therefore encode to exactly the maps earlier versions
// wrote (the same keys, present under the same conditions) and decode from
// them; Encode(Decode(h)) hashes like h. The package imports nothing of
// vorgang's.
package ticket
