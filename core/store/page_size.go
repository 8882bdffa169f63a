package store

import "fmt"

// sqlitePageSize is the page size of a new embedded database. SQLite's
// default of 4 KiB holds one ticket row (2.5–3 KiB in FerretDB's stored
// form, which repeats each field's type beside its value) per page and
// leaves the rest empty; history entries carrying a ticket's form data fare
// little better. At 16 KiB five tickets share a page (docs/benchmarks.md,
// "Disk per ticket").
const sqlitePageSize = 16384

// walCheckpointPages is after how many pages in the write-ahead log a
// commit copies them into the database file: 4 MiB, as SQLite's default
// of 1,000 pages gives with 4 KiB pages.
const walCheckpointPages = 4 << 20 / sqlitePageSize

// walKeepBytes is how big the write-ahead log stays after it was copied
// into the database. SQLite's default keeps it at the largest size it
// ever reached (tens of MB after a large batch or a checkpoint held up by
// readers, the larger part of a small store's folder); the pages in it
// are written to the database file before it is cut, so no commit is
// lost.
const walKeepBytes = 4 << 20

// sqlitePragmas is the query of FerretDB's SQLite URL: the pragmas run on
// each connection it opens, before its own (busy timeout, WAL). The page
// size takes effect only in a file that has no pages yet; an existing
// database keeps the size it was made with (SQLite changes it only by
// rewriting the whole file), and a backup restored into a new folder gets
// the new one.
func sqlitePragmas() string {
	return fmt.Sprintf("_pragma=page_size(%d)&_pragma=wal_autocheckpoint(%d)&_pragma=journal_size_limit(%d)",
		sqlitePageSize, walCheckpointPages, walKeepBytes)
}
