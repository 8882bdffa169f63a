package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesMissingDefinitionsFolder wants a --definitions folder that
// does not exist refused before anything starts, instead of the built-in
// desks served in its place.
func TestServeRefusesMissingDefinitionsFolder(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "schreibfehler")
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"serve", "--definitions", missing, "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data")}, &out, &errOut)
	all := out.String() + errOut.String()
	if code != 1 || !strings.Contains(all, "definitions folder "+missing+" does not exist") {
		t.Fatalf("exit %d (want 1), output:\n%s", code, all)
	}
}
