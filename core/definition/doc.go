// Package definition is vorgang's definition language: it reads the YAML
// files of a desk (kinds Process, Form, SLA, Calendar, AssetClass, Role,
// Team, Notification) and the Lua scripts they name, checks them,
// and compiles them into a Catalog, the read-only model every other package
// works from.
//
// Compiling a set of files (Loader.Compile) goes through three stages, and
// each reports every problem it finds as a Diagnostic with a FILE:LINE:COL
// position, so an author sees all faults of one run together:
//
//  1. parse: each file is split into YAML documents with yaml.v3, keeping
//     the nodes and their positions;
//  2. shape: each document is validated against the JSON Schema of its kind
//     (the schemas folder at the repository root, embedded into the binary),
//     and schema errors are mapped back to the node they concern;
//  3. meaning: documents are decoded into the typed kinds and checked
//     against each other (references between kinds, field names in
//     conditions, unique ids, templates, Lua that compiles), which a schema
//     cannot express.
//
// The catalog is nil when any diagnostic is an error, so a running server
// never sees a half-valid desk. A Catalog is never changed after Compile;
// Live holds the catalog being served and swaps it atomically on reload
// (Watch polls the folders). The catalog's hash names a definition version,
// which tickets and queued work refer to.
//
// The package imports nothing else of vorgang: the engine, forms, scripts and
// pages depend on it, never the other way round.
package definition
