package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
)

// CollectionUsage is the space one collection takes in the embedded
// database: its documents' table and each of its indexes.
type CollectionUsage struct {
	Collection string
	// TableBytes is the size of the pages holding the documents.
	TableBytes int64
	// IndexBytes is the size of the pages of all its indexes, by index.
	IndexBytes map[string]int64
}

// Bytes is the collection's whole size: table and indexes.
func (c CollectionUsage) Bytes() int64 {
	n := c.TableBytes
	for _, b := range c.IndexBytes {
		n += b
	}
	return n
}

// DiskUsage is where the embedded database's bytes are.
type DiskUsage struct {
	// Collections are sorted by their size, largest first.
	Collections []CollectionUsage
	// FreeBytes is the size of the free pages in the file, which SQLite
	// reuses before it grows the file.
	FreeBytes int64
	// OtherBytes are pages of no collection (FerretDB's catalogue, the
	// schema).
	OtherBytes int64
	// FileBytes and WALBytes are the sizes of the database file and its
	// write-ahead log.
	FileBytes, WALBytes int64
}

// DiskUsage measures where the embedded database's bytes are, page by
// page (SQLite's dbstat table): it reads the whole file, so it takes
// seconds on a big store and is for benchmarks and operators, not for a
// request. MongoDB reports its own (collStats).
func (s *Store) DiskUsage(ctx context.Context) (DiskUsage, error) {
	var u DiskUsage
	if s.sql == nil || s.embedded == nil {
		return u, errors.New("store: disk usage: only the embedded store is measured here")
	}
	tables := map[string]string{} // SQLite table → collection
	rows, err := s.sql.db.QueryContext(ctx, `SELECT name, table_name FROM _ferretdb_collections`)
	if err != nil {
		return u, fmt.Errorf("store: disk usage: %w", err)
	}
	for rows.Next() {
		var coll, table string
		if err := rows.Scan(&coll, &table); err != nil {
			rows.Close()
			return u, fmt.Errorf("store: disk usage: %w", err)
		}
		tables[table] = coll
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return u, fmt.Errorf("store: disk usage: %w", err)
	}

	// Each b-tree's pages with the table it belongs to (itself for a
	// table, the indexed table for an index).
	rows, err = s.sql.db.QueryContext(ctx, `SELECT d.name, COALESCE(m.type, ''), COALESCE(m.tbl_name, ''), SUM(d.pgsize)
		FROM dbstat AS d LEFT JOIN sqlite_schema AS m ON m.name = d.name GROUP BY d.name`)
	if err != nil {
		return u, fmt.Errorf("store: disk usage: %w", err)
	}
	byColl := map[string]*CollectionUsage{}
	for rows.Next() {
		var name, typ, table string
		var size int64
		if err := rows.Scan(&name, &typ, &table, &size); err != nil {
			rows.Close()
			return u, fmt.Errorf("store: disk usage: %w", err)
		}
		coll, ok := tables[table]
		if !ok {
			u.OtherBytes += size
			continue
		}
		c := byColl[coll]
		if c == nil {
			c = &CollectionUsage{Collection: coll, IndexBytes: map[string]int64{}}
			byColl[coll] = c
		}
		if typ == "index" {
			c.IndexBytes[name] += size
		} else {
			c.TableBytes += size
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return u, fmt.Errorf("store: disk usage: %w", err)
	}
	for _, c := range byColl {
		u.Collections = append(u.Collections, *c)
	}
	sort.Slice(u.Collections, func(i, j int) bool {
		if a, b := u.Collections[i].Bytes(), u.Collections[j].Bytes(); a != b {
			return a > b
		}
		return u.Collections[i].Collection < u.Collections[j].Collection
	})

	var free, pageSize int64
	if err := s.sql.db.QueryRowContext(ctx, `SELECT * FROM pragma_freelist_count, pragma_page_size`).Scan(&free, &pageSize); err != nil {
		return u, fmt.Errorf("store: disk usage: free pages: %w", err)
	}
	u.FreeBytes = free * pageSize
	if fi, err := os.Stat(s.embedded.sqliteFile); err == nil {
		u.FileBytes = fi.Size()
	}
	if fi, err := os.Stat(s.embedded.sqliteFile + "-wal"); err == nil {
		u.WALBytes = fi.Size()
	}
	return u, nil
}
