package definition

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// File is one definition or script file to compile.
type File struct {
	// Path is shown in diagnostics, e.g. "processes/it-incident.yaml".
	Path string
	// Rel is the path below the definitions folder, e.g.
	// "scripts/it/it-route.lua" for a Path of
	// "/srv/desk/scripts/it/it-route.lua": scripts' error messages show it.
	// Empty: Path.
	Rel  string
	Data []byte
}

// Loader compiles definition files into catalogs. It holds the compiled JSON
// Schemas, so create it once and reuse it; it is safe for concurrent use.
type Loader struct {
	schemas *schemaSet
}

// NewLoader compiles the JSON Schemas found at the top of schemas (files
// named *.schema.json, one per kind plus common.schema.json).
func NewLoader(schemas fs.FS) (*Loader, error) {
	set, err := compileSchemas(schemas)
	if err != nil {
		return nil, err
	}
	return &Loader{schemas: set}, nil
}

// document is one YAML document while the catalog is being built.
type document struct {
	file string
	node *yaml.Node
	kind string
	id   string
	pos  Pos
}

// Compile validates files and builds a catalog. It reports every problem it
// finds, not just the first; the catalog is nil when any diagnostic is an
// error.
func (l *Loader) Compile(files []File) (*Catalog, Diagnostics) {
	files = append([]File(nil), files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })

	var diags Diagnostics
	b := &builder{cat: newCatalog(), known: map[string]map[string]bool{}, diags: &diags, reporters: map[any]reporter{}}
	hash := sha256.New()
	for _, f := range files {
		fmt.Fprintf(hash, "%s\x00%d\x00", f.Path, len(f.Data))
		hash.Write(f.Data)
		r := reporter{file: f.Path, diags: &diags}
		if limit := maxFileSize(f.Path); len(f.Data) > limit {
			r.errorf(Pos{1, 1}, "file_too_large", "file is %d KB; definition files may have at most %d KB", len(f.Data)>>10, limit>>10)
			continue
		}
		switch {
		case strings.HasSuffix(f.Path, ".lua"):
			b.addScript(f, r)
		case isYAML(f.Path):
			docs, ok := parseDocuments(f, r)
			if ok && !holdsContent(docs) {
				r.errorf(Pos{1, 1}, "empty_file", "the file holds no definition: add one (apiVersion, kind, id) or delete the file")
			}
			for _, doc := range docs {
				l.addDocument(b, doc, r)
			}
			if !ok {
				b.declareFromText(f, len(docs))
			}
		}
	}
	b.check()
	diags = diags.dedupe()
	diags.sort()
	if diags.HasErrors() {
		return nil, diags
	}
	b.cat.hash = hex.EncodeToString(hash.Sum(nil))
	b.cat.loadedAt = time.Now().UTC()
	b.cat.priorities = l.schemas.priorities
	return b.cat, diags
}

// maxFileSize bounds what one file may hold. Compiling Lua costs far more
// than linear time in the nesting of a script, so scripts get a tighter
// limit than YAML; real hooks are a few KB.
func maxFileSize(p string) int {
	if strings.HasSuffix(p, ".lua") {
		return 128 << 10
	}
	return 1 << 20
}

func isYAML(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of yaml.v3's parser stage.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// parseDocuments splits a file into its YAML documents. yaml.v3 stops at the
// first syntax error, so a file with one reports that error only.
func parseDocuments(f File, r reporter) (docs []*yaml.Node, ok bool) {
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, true
		}
		if err != nil {
			line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
			if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = m[2]
				if parserProblems[msg] {
					// yaml.v3 reports parser (not scanner) errors with a
					// 0-based line number, and none for line 0.
					line++
				}
			}
			if strings.Contains(msg, "UTF-8") {
				// yaml.v3 names no place for encoding errors.
				if p, b, found := firstInvalidUTF8(f.Data); found {
					r.errorf(p, "invalid_encoding", "the file is not UTF-8: byte 0x%02X here is not a character (was it saved as Latin-1 or Windows-1252?); save it as UTF-8", b)
					return docs, false
				}
			}
			// At the end of input the marks can point past the last line.
			line = min(line, max(lineCount(f.Data), 1))
			if tabLine, tab := tabIndent(f.Data, line); tab > 0 && isTabProblem(msg) {
				r.errorf(Pos{Line: tabLine, Col: tab}, "yaml_syntax", "YAML syntax error: a tab is used for indentation; YAML allows only spaces there")
				return docs, false
			}
			if brokenFlow(msg) {
				msg += flowMappingHint
			}
			r.errorf(Pos{Line: line, Col: firstColumn(f.Data, line)}, "yaml_syntax", "YAML syntax error: %s", msg)
			return docs, false
		}
		docs = append(docs, &n)
	}
}

// lineCount counts lines the way editors do: a final line without a line
// break counts, and \r\n, \n and \r all end a line.
func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' && data[len(data)-1] != '\r' {
		n++
	}
	return n
}

// firstColumn returns the column of the first non-blank character of line,
// the best column yaml.v3's line-only syntax errors allow.
func firstColumn(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 1
	}
	text := lines[line-1]
	return len(text) - len(bytes.TrimLeft(text, " \t")) + 1
}

func (l *Loader) addDocument(b *builder, n *yaml.Node, r reporter) {
	if len(n.Content) == 0 {
		return
	}
	root := n.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return // an empty document, e.g. after a trailing '---'
	}
	if root.Kind != yaml.MappingNode {
		r.errorf(posOf(root), "not_a_mapping", "a definition must be a mapping with apiVersion, kind and id")
		return
	}
	_, kindNode := mappingEntry(root, "kind")
	if kindNode == nil {
		r.errorf(posOf(root), "missing_key", "missing required key 'kind' (one of %s)", strings.Join(Kinds(), ", "))
		return
	}
	kind := kindNode.Value
	doc := &document{file: r.file, node: n, kind: kind}
	if _, idNode := mappingEntry(root, "id"); idNode != nil && idNode.Kind == yaml.ScalarNode {
		doc.id, doc.pos = idNode.Value, posOf(idNode)
	}
	if _, ok := kindSchemas[kind]; !ok || kindNode.Kind != yaml.ScalarNode {
		r.errorf(posOf(kindNode), "unknown_kind", "unknown kind '%s'%s; known kinds: %s", kind, suggest(kind, Kinds()), strings.Join(Kinds(), ", "))
		b.declareUnknownKind(doc, posOf(kindNode))
		return
	}
	if doc.id != "" {
		// Register even invalid documents, so references to them do not add
		// "unknown" errors on top of the real one.
		b.declare(doc, r)
	}
	value, nerr := jsonValue(n)
	if nerr != nil {
		r.errorf(posOf(nerr.node), nerr.code, "%s", nerr.msg)
		return
	}
	valid, wrong := l.schemas.validate(kind, n, value, r)
	// Invalid documents are decoded and checked too when their shape allows,
	// so one run reports a typo and a dangling reference together.
	b.decode(doc, r, valid, wrong)
}

// IsTestFile reports whether a file name is a test file the definition
// loader leaves out: *_test.lua, *_test.yaml or *_test.yml.
func IsTestFile(name string) bool {
	base := path.Base(name)
	for _, ext := range []string{".lua", ".yaml", ".yml"} {
		if strings.HasSuffix(base, "_test"+ext) {
			return true
		}
	}
	return false
}

// ReadFS reads every definition (*.yaml, *.yml) and script (*.lua) file in
// fsys, skipping hidden files and folders and test files: script tests
// (*_test.lua) and scenario tests (*_test.yaml, *_test.yml).
// File paths are shown as prefix/path, so diagnostics name the folder the
// user gave.
func ReadFS(fsys fs.FS, prefix string) ([]File, error) {
	var files []File
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != "." && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		// A testdata folder holds inputs of tests (other versions of a
		// desk for a scenario that switches definitions), not definitions.
		if p != "." && d.IsDir() && name == "testdata" {
			return fs.SkipDir
		}
		// Test files belong to vorgang test, not to the definitions.
		if d.IsDir() || !(isYAML(name) || path.Ext(name) == ".lua") || IsTestFile(name) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, File{Path: path.Join(prefix, p), Rel: path.Join(path.Base(prefix), p), Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read definitions in %s: %w", prefix, err)
	}
	return files, nil
}
