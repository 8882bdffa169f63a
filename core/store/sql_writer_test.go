package store

import "testing"

// TestWriterKeepsTemporaryDataInMemory: the store's own connection keeps
// the sub-journals of its savepoints in memory (see openSQLWriter); a
// pragma the driver did not apply would leave them in temporary files
// without any error.
func TestWriterKeepsTemporaryDataInMemory(t *testing.T) {
	s := openEmbedded(t, lowerTempDir(t))
	var mode int
	if err := s.writer.db.QueryRowContext(t.Context(), "PRAGMA temp_store").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("temp_store = %d, want 2 (memory)", mode)
	}
}
