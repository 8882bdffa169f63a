package definition

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// builder accumulates decoded definitions and the ids declared per kind.
type builder struct {
	cat   *Catalog
	known map[string]map[string]bool // kind → id → declared (valid or not)
	first map[string]string          // "kind/id" → file:line of its first declaration
	diags *Diagnostics
	// reporters remembers the file of each decoded definition for checks.
	order []decoded
	// reporters finds the reporter of a decoded definition.
	reporters map[any]reporter
	// unknownKinds holds the ids of documents whose kind is unknown, with
	// the place of that kind, so references to them say where they come
	// from.
	unknownKinds map[string]string
}

func (b *builder) reporterFor(def any) reporter { return b.reporters[def] }

type decoded struct {
	kind string
	def  any
	r    reporter
}

func (b *builder) declare(doc *document, r reporter) {
	if b.first == nil {
		b.first = map[string]string{}
	}
	key := doc.kind + "/" + doc.id
	if where, dup := b.first[key]; dup {
		r.errorf(doc.pos, "duplicate_id", "duplicate %s id '%s' (first defined at %s)", doc.kind, doc.id, where)
		doc.id = "" // keep the first one
		return
	}
	b.first[key] = fmt.Sprintf("%s:%d", doc.file, doc.pos.Line)
	if b.known[doc.kind] == nil {
		b.known[doc.kind] = map[string]bool{}
	}
	b.known[doc.kind][doc.id] = true
}

// declareUnknownKind keeps the id of a document whose kind is unknown. A
// kind that is a likely typo ("Rolle") declares the id under the kind meant,
// so references to it report nothing on top of the one real error; other
// references to it are marked as following from that error.
func (b *builder) declareUnknownKind(doc *document, kindPos Pos) {
	if doc.id == "" {
		return
	}
	if meant := closest(doc.kind, Kinds()); meant != "" {
		doc.kind = meant
		if !b.known[meant][doc.id] {
			b.declare(doc, reporter{file: doc.file, diags: b.diags})
		}
		return
	}
	if b.unknownKinds == nil {
		b.unknownKinds = map[string]string{}
	}
	b.unknownKinds[doc.id] = fmt.Sprintf("%s:%d:%d", doc.file, kindPos.Line, kindPos.Col)
}

// followOn marks an unknown reference that a document of unknown kind
// explains: the message then points at the cause, which may be printed
// after it.
func (b *builder) followOn(id string) string {
	if where, ok := b.unknownKinds[id]; ok {
		return fmt.Sprintf(" (follows from the unknown kind at %s)", where)
	}
	return ""
}

// decode turns a schema-valid document into its typed definition.
// wrong holds the paths of the document the schema found wrong.
func (b *builder) decode(doc *document, r reporter, schemaValid bool, wrong []string) {
	if doc.id == "" {
		return // a duplicate: already reported
	}
	var def any
	switch doc.kind {
	case "Process":
		def = &Process{}
	case "Form":
		def = &Form{}
	case "SLA":
		def = &SLA{}
	case "Calendar":
		def = &Calendar{}
	case "AssetClass":
		def = &AssetClass{}
	case "Role":
		def = &Role{}
	case "Team":
		def = &Team{}
	case "Notification":
		def = &Notification{}
	case "IdentityProvider":
		def = &IdentityProvider{}
	case "Migration":
		def = &Migration{}
	case "Mailbox":
		def = &Mailbox{}
	case "Webhook":
		def = &Webhook{}
	case "KnowledgeCategory":
		def = &KnowledgeCategory{}
	}
	if err := doc.node.Decode(def); err != nil {
		if !schemaValid {
			return // the schema errors already say what is wrong
		}
		// The schema accepted the document, so this is a mismatch between
		// schema and Go types: report it rather than fail silently.
		r.errorf(posOf(doc.node.Content[0]), "decode", "cannot read %s: %v", doc.kind, err)
		return
	}
	switch d := def.(type) {
	case *Process:
		d.File = doc.file
		b.cat.processes[doc.id] = d
	case *Form:
		d.File = doc.file
		b.cat.forms[doc.id] = d
	case *SLA:
		d.File = doc.file
		b.cat.slas[doc.id] = d
	case *Calendar:
		d.File = doc.file
		b.cat.calendars[doc.id] = d
	case *AssetClass:
		d.File = doc.file
		b.cat.assetClasses[doc.id] = d
	case *Role:
		d.File = doc.file
		b.cat.roles[doc.id] = d
	case *Team:
		d.File = doc.file
		b.cat.teams[doc.id] = d
	case *Notification:
		d.File = doc.file
		b.cat.notifications[doc.id] = d
	case *IdentityProvider:
		d.File = doc.file
		b.cat.identityProviders[doc.id] = d
	case *Migration:
		d.File = doc.file
		b.cat.migrations[doc.id] = d
	case *Mailbox:
		d.File = doc.file
		b.cat.mailboxes[doc.id] = d
	case *Webhook:
		d.File = doc.file
		b.cat.webhooks[doc.id] = d
	case *KnowledgeCategory:
		d.File = doc.file
		b.cat.knowledgeCategories[doc.id] = d
	}
	if !schemaValid {
		r = b.skipFollowUps(doc, def, r, wrong)
	}
	b.order = append(b.order, decoded{kind: doc.kind, def: def, r: r})
	b.reporters[def] = r
}

// addScript registers a Lua script and checks that it compiles. The compiled
// prototype is kept so the script runtime never parses a script again.
func (b *builder) addScript(f File, r reporter) {
	name := strings.TrimSuffix(path.Base(f.Path), ".lua")
	if b.cat.scripts[name] != nil {
		r.errorf(Pos{1, 1}, "duplicate_id", "duplicate script name '%s' (also %s)", name, b.cat.scripts[name].File)
		return
	}
	if !validScriptName(name) {
		r.errorf(Pos{1, 1}, "invalid_format", "script file name '%s' is not a valid id: use lower case letters, digits, '-' and '_'", name)
	}
	chunk := f.Rel
	if chunk == "" {
		chunk = f.Path
	}
	s := &Script{Name: name, File: f.Path, Chunk: chunk, Source: string(f.Data)}
	b.cat.scripts[name] = s
	proto, uses, err := compileLua(chunk, s.Source)
	var pe *parse.Error
	var ce *lua.CompileError
	switch {
	case errors.As(err, &pe):
		p, msg := luaSyntax(pe, s.Source)
		r.errorf(p, "lua_syntax", "%s", msg)
		return
	case errors.As(err, &ce):
		line := max(ce.Line, 1)
		// gopher-lua reports a goto without a label at the end of the
		// block; the goto itself is what needs fixing.
		if m := missingLabel.FindStringSubmatch(ce.Message); m != nil {
			if l := lineOf(s.Source, regexp.MustCompile(`\bgoto\s+`+regexp.QuoteMeta(m[1])+`\b`)); l > 0 {
				line = l
			}
		}
		r.errorf(Pos{Line: line, Col: 1}, "lua_compile", "Lua compile error: %s", ce.Message)
		return
	case err != nil:
		r.errorf(Pos{1, 1}, "lua_compile", "Lua compile error: %v", err)
		return
	}
	for _, u := range uses {
		pos := Pos{Line: u.line, Col: column(s.Source, u.line, u.word)}
		what := u.name + " is"
		if forbiddenLibs[u.name] {
			what = "the " + u.name + " library is"
		}
		if u.fails {
			r.errorf(pos, "lua_forbidden", "%s not available in scripts: this line always fails when it runs", what)
		} else {
			r.warnf(pos, "lua_forbidden", "%s not available in scripts", what)
		}
	}
	s.Proto = proto
}

func validScriptName(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

var (
	documentSeparator = regexp.MustCompile(`(?m)^---`)
	topLevelKind      = regexp.MustCompile(`(?m)^kind:[ \t]*["']?([A-Za-z]+)`)
	topLevelID        = regexp.MustCompile(`(?m)^id:[ \t]*["']?([a-z][a-z0-9_-]*)`)
)

// declareFromText declares the ids of the documents of a file that failed to
// parse, from its top-level "kind:" and "id:" lines, so that references to
// them do not bury the one syntax error under follow-up errors.
func (b *builder) declareFromText(f File, parsed int) {
	for i, part := range documentSeparator.Split(string(f.Data), -1) {
		if i < parsed {
			continue
		}
		kind, id := topLevelKind.FindStringSubmatch(part), topLevelID.FindStringSubmatch(part)
		if kind == nil || id == nil || kindSchemas[kind[1]] == "" {
			continue
		}
		if b.known[kind[1]] == nil {
			b.known[kind[1]] = map[string]bool{}
		}
		b.known[kind[1]][id[1]] = true
	}
}

var missingLabel = regexp.MustCompile(`label '?([A-Za-z_][A-Za-z0-9_]*)'?`)

// lineOf returns the 1-based line of the first match of re in src, or 0.
func lineOf(src string, re *regexp.Regexp) int {
	loc := re.FindStringIndex(src)
	if loc == nil {
		return 0
	}
	return strings.Count(src[:loc[0]], "\n") + 1
}
