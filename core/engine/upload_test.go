package engine_test

import (
	"bytes"
	"errors"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/fault"
)

// TestUploadOwnership: an upload can be kept in a form only by whoever
// sent it; anyone else's upload is not found.
func TestUploadOwnership(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a, err := f.eng.Upload(ctx, "portal:browser-one", "foto.png", "image/png", bytes.NewReader(pngHeader), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != int64(len(pngHeader)) || a.UploadedBy != "portal:browser-one" || a.Created.IsZero() {
		t.Fatalf("stored %+v", a)
	}
	if got, err := f.eng.OwnUpload(ctx, "portal:browser-one", a.ID); err != nil || got.Name != "foto.png" {
		t.Errorf("the uploader keeps its file: %+v, %v", got, err)
	}
	for _, other := range []string{"portal:browser-two", "user:ben", ""} {
		if _, err := f.eng.OwnUpload(ctx, other, a.ID); !errors.Is(err, fault.NotFound) {
			t.Errorf("%q keeps someone else's upload: %v", other, err)
		}
	}
	if _, err := f.eng.OwnUpload(ctx, "portal:browser-one", "att-nosuchfile"); !errors.Is(err, fault.NotFound) {
		t.Errorf("an unknown upload: %v", err)
	}
	if _, err := f.eng.Upload(ctx, "user:ben", "gross.bin", "application/octet-stream", bytes.NewReader(make([]byte, 2048)), 1024); !errors.Is(err, engine.ErrFileTooLarge) {
		t.Errorf("an upload over the limit: %v", err)
	}
	if n := f.eng.AttachmentName(ctx, a.ID); n != "foto.png" {
		t.Errorf("AttachmentName = %q", n)
	}
}

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
