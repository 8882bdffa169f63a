package scenario_test

import (
	"io/fs"
	"os"
	"path"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
)

// deskFolders are the shipped definition folders, relative to this package.
var deskFolders = []string{"processes", "forms", "scripts"}

// shippedFiles reads the shipped definitions.
func shippedFiles(t *testing.T) []definition.File {
	t.Helper()
	return testkit.DeskFiles(t)
}

// compile builds a catalog or fails the test with the diagnostics.
func compile(t *testing.T, files []definition.File) *definition.Catalog {
	t.Helper()
	return testkit.Compile(t, files)
}

// shippedScenarioFiles are the scenario files of the shipped desks.
func shippedScenarioFiles(t *testing.T) []definition.File {
	t.Helper()
	var out []definition.File
	for _, d := range deskFolders {
		fsys := os.DirFS("../../" + d)
		err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !isScenario(p) {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			out = append(out, definition.File{Path: path.Join(d, p), Data: data})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func isScenario(p string) bool {
	return len(p) > len("_test.yaml") && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") && definition.IsTestFile(p)
}
