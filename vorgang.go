// Package vorgang embeds the JSON Schemas of the definition language and the
// shipped desks, so the single binary works without any files beside it.
package vorgang

import (
	"embed"
	"io/fs"
)

//go:embed schemas/*.schema.json
var schemaFiles embed.FS

//go:embed processes forms scripts
var deskFiles embed.FS

// Schemas returns the JSON Schemas, one file per definition kind.
func Schemas() fs.FS {
	sub, err := fs.Sub(schemaFiles, "schemas")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}

// Desks returns the shipped definitions: the processes, forms and scripts
// folders.
func Desks() fs.FS { return deskFiles }

// DeskFolders are the folders definitions are read from, relative to a
// working directory or to Desks().
var DeskFolders = []string{"processes", "forms", "scripts"}
