package knowledge

import "vorgang/core/store"

// The collections of the knowledge base.
const (
	ArticlesCollection = "kb_articles"
	VersionsCollection = "kb_versions"
	StatsCollection    = "kb_stats"
	// FilesCollection lists each article's files (files.go).
	FilesCollection = "kb_files"
)

// shapeAll reads every article: lists and searches filter the (small)
// knowledge base in Go, see the package comment.
const shapeAll = "kb_all"

// shapeFilesAll reads every list of files, for the purge of the
// attachment storage (files_purge.go): one document per article with files.
const shapeFilesAll = "kb_files_all"

// numberScope is the counter of article numbers.
const numberScope = "kb"

// Schema declares the package's collections to the store.
func Schema() store.Schema {
	return store.Schema{
		{Name: ArticlesCollection, Shapes: []store.QueryShape{{Name: shapeAll, Scans: true}}},
		{Name: VersionsCollection},
		{Name: StatsCollection},
		{Name: FilesCollection, Shapes: []store.QueryShape{{Name: shapeFilesAll, Scans: true}}},
	}
}
