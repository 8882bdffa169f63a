package engine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"testing"

	"vorgang/core/store"
)

func TestRecordedFilesAnswersTheHashesOfAServedCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	files := []store.DefinitionFile{{Path: "processes/a.yaml", Data: []byte("kind: Process\n")}, {Path: "forms/b.yaml", Data: []byte("kind: Form\n")}}
	if _, err := f.store.SaveDefinitionVersion(ctx, &store.DefinitionVersion{Hash: "served", Files: files}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, file := range files {
		sum := sha256.Sum256(file.Data)
		want[file.Path] = hex.EncodeToString(sum[:])
	}

	for _, tc := range []struct {
		hash         string
		wantRecorded bool
		want         map[string]string
	}{
		{"served", true, want},
		{"never-served", false, map[string]string{}},
	} {
		got, recorded, err := f.eng.RecordedFiles(ctx, tc.hash)
		if err != nil {
			t.Fatalf("%s: %v", tc.hash, err)
		}
		if recorded != tc.wantRecorded || !maps.Equal(got, tc.want) {
			t.Errorf("RecordedFiles(%s) = %v, %v; want %v, %v", tc.hash, got, recorded, tc.want, tc.wantRecorded)
		}
	}
}
