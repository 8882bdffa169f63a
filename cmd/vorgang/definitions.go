package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"vorgang"
	"vorgang/core/definition"
)

// definitionSource says where definitions are read from: folders on disk, or
// the desks built into the binary when no folder is there.
type definitionSource struct {
	dirs     []string
	embedded bool
}

// resolveSource picks the folders to read. Explicit folders must exist; by
// default the processes, forms and scripts folders below root are used, and
// the built-in desks when none of them exists. root itself must exist: a
// mistyped --definitions must not quietly serve the built-in desks.
func resolveSource(root string, dirs []string) (definitionSource, error) {
	if len(dirs) == 0 {
		if st, err := os.Stat(root); err != nil || !st.IsDir() {
			return definitionSource{}, fmt.Errorf("definitions folder %s does not exist or is no folder: give the folder that holds processes/, forms/ and scripts/ (--definitions, env VORGANG_DEFINITIONS)", root)
		}
	}
	if len(dirs) > 0 {
		for _, d := range dirs {
			if st, err := os.Stat(d); err != nil || !st.IsDir() {
				return definitionSource{}, fmt.Errorf("definition folder %s: not a readable directory", d)
			}
		}
		return definitionSource{dirs: dirs}, nil
	}
	var found []string
	for _, d := range vorgang.DeskFolders {
		p := filepath.Join(root, d)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return definitionSource{embedded: true}, nil
	}
	return definitionSource{dirs: found}, nil
}

func (s definitionSource) String() string {
	if s.embedded {
		return "built-in desks"
	}
	return fmt.Sprint(s.dirs)
}

// read returns the source's files.
func (s definitionSource) read() ([]definition.File, error) {
	if s.embedded {
		var files []definition.File
		for _, d := range vorgang.DeskFolders {
			sub, err := fs.Sub(vorgang.Desks(), d)
			if err != nil {
				return nil, err
			}
			fs, err := definition.ReadFS(sub, d)
			if err != nil {
				return nil, err
			}
			files = append(files, fs...)
		}
		return files, nil
	}
	var files []definition.File
	for _, d := range s.dirs {
		fs, err := definition.ReadFS(os.DirFS(d), filepath.ToSlash(filepath.Clean(d)))
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	return files, nil
}

// loaded is the outcome of reading and compiling a definition source.
type loaded struct {
	catalog *definition.Catalog // nil when the definitions are invalid
	diags   definition.Diagnostics
	files   []definition.File
}

// load reads and compiles the source; an error means it could not be read.
func (s definitionSource) load(l *definition.Loader) (loaded, error) {
	files, err := s.read()
	if err != nil {
		return loaded{}, err
	}
	if len(files) == 0 {
		return loaded{}, errors.New("no definition files (*.yaml, *.lua) found in " + s.String())
	}
	cat, diags := l.Compile(files)
	return loaded{catalog: cat, diags: diags, files: files}, nil
}

func newLoader() (*definition.Loader, error) {
	l, err := definition.NewLoader(vorgang.Schemas())
	if err != nil {
		return nil, fmt.Errorf("load definition schemas: %w", err)
	}
	return l, nil
}
