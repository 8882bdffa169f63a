package webtest

import (
	"os"
	"path/filepath"
	"testing"
)

// PNGBytes is a one-pixel PNG for uploads.
var PNGBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// WritePNG writes a small PNG for uploads.
func WritePNG(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "schlagloch.png")
	if err := os.WriteFile(path, PNGBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
