package testkit

import (
	"io/fs"
	"slices"
	"sync"
	"testing"

	"vorgang"
	"vorgang/core/definition"
)

// loader compiles the schemas once for every test of a package; a Loader
// is safe for concurrent use, and compiling the schemas dominates a small
// test.
var loader = sync.OnceValues(func() (*definition.Loader, error) {
	return definition.NewLoader(vorgang.Schemas())
})

// Loader returns the definition loader over the shipped schemas.
func Loader(tb testing.TB) *definition.Loader {
	tb.Helper()
	l, err := loader()
	if err != nil {
		tb.Fatalf("definition loader: %v", err)
	}
	return l
}

var deskFiles = sync.OnceValues(func() ([]definition.File, error) {
	var files []definition.File
	for _, d := range vorgang.DeskFolders {
		sub, err := fs.Sub(vorgang.Desks(), d)
		if err != nil {
			return nil, err
		}
		more, err := definition.ReadFS(sub, d)
		if err != nil {
			return nil, err
		}
		files = append(files, more...)
	}
	return files, nil
})

// DeskFiles returns the files of the shipped desks (processes, forms,
// scripts) as the binary embeds them.
func DeskFiles(tb testing.TB) []definition.File {
	tb.Helper()
	files, err := deskFiles()
	if err != nil {
		tb.Fatalf("read shipped desks: %v", err)
	}
	return slices.Clone(files)
}

var desks = sync.OnceValues(func() (*definition.Catalog, error) {
	files, err := deskFiles()
	if err != nil {
		return nil, err
	}
	l, err := loader()
	if err != nil {
		return nil, err
	}
	cat, diags := l.Compile(files)
	if cat == nil {
		return nil, diags
	}
	return cat, nil
})

// Desks returns the shipped desks, compiled once per test binary. A
// Catalog is immutable, so tests share it.
func Desks(tb testing.TB) *definition.Catalog {
	tb.Helper()
	cat, err := desks()
	if err != nil {
		tb.Fatalf("shipped desks: %v", err)
	}
	return cat
}

// Compile compiles files with the shipped schemas and fails the test on a
// definition error.
func Compile(tb testing.TB, files []definition.File) *definition.Catalog {
	tb.Helper()
	cat, diags := Loader(tb).Compile(files)
	if cat == nil || diags.HasErrors() {
		tb.Fatalf("definitions:\n%v", diags)
	}
	return cat
}

// Fixed returns a Catalog function that always answers cat.
func Fixed(cat *definition.Catalog) func() *definition.Catalog {
	return func() *definition.Catalog { return cat }
}
