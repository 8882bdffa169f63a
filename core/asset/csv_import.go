package asset

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/form"
	"vorgang/core/store"
	"vorgang/core/tabular"
)

// MaxImportRows bounds the rows of one import file.
const MaxImportRows = 100_000

// ImportOptions configures Import.
type ImportOptions struct {
	// Class is the asset class of every row.
	Class string
	// DryRun checks the whole file and reports what an import would do,
	// without writing anything.
	DryRun bool
	// Lang selects the language of messages ("de" or "en").
	Lang string
}

// ImportReport is what an import did, or with DryRun would do. With
// Errors nothing was written.
type ImportReport struct {
	Class     string     `json:"class"`
	DryRun    bool       `json:"dry_run"`
	Rows      int        `json:"rows"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Errors    []RowError `json:"errors"`
	// Warnings are rows that will be (or were) imported but deserve a
	// look: code still_referenced for a row retiring an asset that others
	// still point at.
	Warnings []RowError `json:"warnings,omitempty"`
	// Encoding is the file's encoding: utf-8, or windows-1252 (converted).
	Encoding string `json:"encoding,omitempty"`
	// Separator is the one the header uses: "," or ";".
	Separator string `json:"separator,omitempty"`
	// Numbers are the inventory numbers of the rows, in file order
	// (empty for a new row in a dry run).
	Numbers []string `json:"numbers,omitempty"`
}

// RowError is one problem of an import file: its line (1 is the header),
// the column (empty for the row as a whole), a stable code and a message.
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// importRow is one row on its way into the store.
type importRow struct {
	line   int
	number string // given number, or "" for a new asset numbered on import
	old    *Asset // the stored asset it changes, or nil
	next   *Asset
}

// Import reads a CSV file of assets of one class (see csv_format.go and
// docs/assets.md) for actor, who needs asset.write. It checks every row
// first; if any is bad, it returns all problems with their lines and writes
// nothing. Otherwise a row whose inventory number exists changes that asset
// (unless nothing differs), and any other row creates one, with its given
// number or the class's next. Importing the same file again changes
// nothing. An error return means the import could not run or stopped
// while writing; the rows before it are written, and importing the file
// again completes it.
func (s *Service) Import(ctx context.Context, actor *auth.Principal, r io.Reader, opts ImportOptions) (*ImportReport, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("import assets: %w", fault.Forbidden)
	}
	cat := s.catalog()
	c, err := s.class(cat, opts.Class, "class", opts.Lang)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Class: c.ID.Value, DryRun: opts.DryRun, Errors: []RowError{}}
	rows, err := s.planImport(ctx, cat, c, r, opts, rep)
	if err != nil {
		return nil, err
	}
	if len(rep.Errors) > 0 {
		sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
		return rep, nil
	}
	for _, row := range rows {
		switch {
		case row.old == nil:
			rep.Created++
		case row.next != row.old && len(diff(row.old, row.next)) > 0: // the same record: an unchangedRow
			rep.Updated++
		default:
			rep.Unchanged++
		}
	}
	if !opts.DryRun {
		if err := s.writeImport(ctx, actor, c, rows); err != nil {
			return nil, err
		}
	}
	for _, row := range rows {
		rep.Numbers = append(rep.Numbers, row.next.Number)
	}
	return rep, nil
}

// planImport parses and checks every row.
func (s *Service) planImport(ctx context.Context, cat *definition.Catalog, c *definition.AssetClass, r io.Reader, opts ImportOptions, rep *ImportReport) ([]*importRow, error) {
	lang := opts.Lang
	rowErr := func(line int, col, code string) {
		rep.Errors = append(rep.Errors, RowError{Line: line, Column: col, Code: code, Message: message(code, lang)})
	}
	data, enc, err := readInput(r)
	if err != nil {
		return nil, err
	}
	rep.Encoding = enc
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffSeparator(data)
	rep.Separator = string(cr.Comma)
	// A file separated by ';' comes from a German spreadsheet, whose
	// numbers have a decimal comma ("1,234" is one point two three four);
	// in a file separated by ',' the comma can only group thousands.
	numberLang := "en"
	if cr.Comma == ';' {
		numberLang = "de"
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		rowErr(1, "", form.CodeRequired)
		return nil, nil
	}
	if err != nil {
		rowErr(1, "", CodeCSVSyntax)
		return nil, nil
	}
	all := csvColumns(c)
	cols := make([]column, len(header))
	seenCol := map[string]bool{}
	asWritten := map[string]string{} // column id → its header in the file
	for i, h := range header {
		h = strings.TrimSpace(h)
		col, ok := findColumn(all, h)
		switch {
		case !ok:
			rowErr(1, h, CodeUnknownColumn)
			continue
		case seenCol[col.name]:
			rowErr(1, h, CodeRepeatedColumn)
			continue
		}
		seenCol[col.name] = true
		asWritten[col.name] = h
		cols[i] = col
	}
	if len(rep.Errors) > 0 {
		return nil, nil
	}
	// Errors name the columns as the file does (an id or a label).
	defer func() {
		for i := range rep.Errors {
			if h, ok := asWritten[rep.Errors[i].Column]; ok && rep.Errors[i].Line > 1 {
				rep.Errors[i].Column = h
			}
		}
	}()
	cr.FieldsPerRecord = len(header)

	f, err := s.form(cat, c)
	if err != nil {
		return nil, err
	}
	type parsed struct {
		line  int
		cells []string
	}
	var records []parsed
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
			rowErr(pe.StartLine, "", CodeFieldCount)
			continue
		case errors.As(err, &pe):
			rowErr(pe.StartLine, "", CodeCSVSyntax)
			continue
		case err != nil:
			return nil, fmt.Errorf("asset: read the import file: %w", err)
		}
		if len(records) >= MaxImportRows {
			rowErr(line, "", form.CodeTooMany)
			break
		}
		records = append(records, parsed{line, rec})
	}
	rep.Rows = len(records) + countRowErrors(rep.Errors)

	// Stored assets the file names, read in one go.
	var given []string
	numberCol, statusCol := -1, -1
	for i, col := range cols {
		switch col.name {
		case ColumnNumber:
			numberCol = i
		case ColumnStatus:
			statusCol = i
		}
	}
	if numberCol >= 0 {
		for _, p := range records {
			if n := strings.TrimSpace(p.cells[numberCol]); ValidNumber(n) {
				given = append(given, n)
			}
		}
	}
	stored, err := s.loadMany(ctx, given)
	if err != nil {
		return nil, err
	}

	// Numbers are compared regardless of case: a row naming a stored
	// asset in another case changes it, and keeps the stored spelling.
	inFile := map[string]resolved{} // number key → the row's asset, for relations between rows
	firstLine := map[string]int{}
	for _, p := range records {
		if numberCol < 0 {
			break
		}
		n := strings.TrimSpace(p.cells[numberCol])
		k := numberKey(n)
		if _, dup := firstLine[k]; n != "" && !dup {
			firstLine[k] = p.line
			r := resolved{Number: n, Class: c.ID.Value}
			if old, ok := stored[k]; ok {
				r = s.resolvedOf(old)
			}
			if statusCol >= 0 {
				if st := strings.TrimSpace(p.cells[statusCol]); st != "" {
					r.Status = statusID(c, st)
				}
			}
			inFile[k] = r
		}
	}
	resolve := func(ctx context.Context, number string) (resolved, bool, error) {
		if r, ok := inFile[numberKey(number)]; ok {
			return r, true, nil
		}
		return s.resolveStored(ctx, number)
	}

	users := userCache{}
	var rows []*importRow
	for _, p := range records {
		if old := unchangedRow(c, cols, p.cells, numberCol, stored); old != nil && firstLine[numberKey(old.Number)] == p.line {
			rows = append(rows, &importRow{line: p.line, number: old.Number, old: old, next: old})
			continue
		}
		row := &importRow{line: p.line}
		bad := false
		in := Input{Class: c.ID.Value, Lang: lang, Relations: map[string][]string{}}
		values := map[string][]string{}
		var empty, checks []string
		checkVals := map[string]bool{}
		for i, col := range cols {
			cell := p.cells[i]
			if !utf8.ValidString(cell) {
				rowErr(p.line, col.name, CodeInvalidEncoding)
				bad = true
				continue
			}
			cell = tabular.UnescapeFormula(strings.TrimSpace(cell))
			switch {
			case col.name == ColumnNumber:
				row.number = cell
			case col.name == ColumnName:
				in.Name = &cell
			case col.name == ColumnStatus:
				if cell != "" {
					st := statusID(c, cell)
					in.Status = &st
				}
			case col.relation != nil:
				in.Relations[col.name] = splitList(cell)
			case col.cell == form.CellBool:
				v, ok := parseBool(cell)
				if !ok {
					rowErr(p.line, col.name, CodeNotABoolean)
					bad = true
				}
				checks = append(checks, col.name)
				checkVals[col.name] = v
			case cell == "":
				empty = append(empty, col.name)
			case col.cell == form.CellList:
				list := splitList(cell)
				for i := range list {
					list[i] = optionValue(col.field, list[i])
				}
				values[col.name] = list
			default:
				values[col.name] = []string{optionValue(col.field, cell)}
			}
		}
		if row.number != "" {
			switch {
			case !ValidNumber(row.number):
				rowErr(p.line, ColumnNumber, CodeInvalidNumber)
				bad = true
			case firstLine[numberKey(row.number)] != p.line:
				rowErr(p.line, ColumnNumber, CodeDuplicateNumber)
				bad = true
			}
			if old, ok := stored[numberKey(row.number)]; ok {
				if old.Class != c.ID.Value {
					rowErr(p.line, ColumnNumber, CodeOtherClass)
					bad = true
				}
				row.old = old
				row.number = old.Number
			}
		}
		if bad {
			continue
		}
		// Numbers are read in English notation, the one Export writes
		// (1234.5), unless the file is separated by ';' (see numberLang);
		// German notation (1.234,5) is unambiguous anyway.
		in.Data = f.DecodeForm(values, numberLang).Data
		for _, k := range empty {
			in.Data[k] = nil
		}
		for _, k := range checks {
			in.Data[k] = checkVals[k]
		}
		in.Number = row.number
		next, errs, err := s.build(ctx, cat, c, row.old, in, resolve, users)
		if err != nil {
			return nil, err
		}
		for _, e := range errs {
			rep.Errors = append(rep.Errors, RowError{Line: p.line, Column: columnOf(e.Field), Code: e.Code, Message: e.Message})
		}
		if len(errs) > 0 {
			continue
		}
		next.Number = row.number
		row.next = next
		rows = append(rows, row)
		if row.number != "" {
			// Later rows see this one as it will be, for the cycle check.
			inFile[numberKey(row.number)] = s.resolvedOf(next)
		}
	}
	refused, warned, err := s.retiringReferenced(ctx, cat, c, rows)
	if err != nil {
		return nil, err
	}
	for _, line := range refused {
		rowErr(line, ColumnStatus, CodeStillReferenced)
	}
	for _, line := range warned {
		rep.Warnings = append(rep.Warnings, RowError{Line: line, Column: ColumnStatus, Code: CodeStillReferenced, Message: message(CodeStillReferencedWarning, lang)})
	}
	return rows, nil
}

// unchangedRow returns the stored asset a row names if every cell of the
// row is exactly what Export writes for it, else nil. Such a row changes
// nothing, so it needs none of the checks of a changed row: a re-import of
// an exported file of 20,000 assets compares strings instead of
// validating 20,000 forms. The checks would find nothing new anyway — a
// stored value is the last one that passed them — except where the
// definitions changed since, and then the import leaves the asset as it
// was, as an unchanged row does. Checkboxes without a stored value are
// left to the full path, which reads an empty cell as "no".
func unchangedRow(c *definition.AssetClass, cols []column, cells []string, numberCol int, stored map[string]*Asset) *Asset {
	if numberCol < 0 {
		return nil
	}
	old := stored[numberKey(strings.TrimSpace(cells[numberCol]))]
	if old == nil || old.Class != c.ID.Value {
		return nil
	}
	for i, col := range cols {
		if i == numberCol {
			continue
		}
		cell := tabular.UnescapeFormula(strings.TrimSpace(cells[i]))
		want := plainCell(col, old)
		if cell != want || (col.cell == form.CellBool && want == "") {
			return nil
		}
	}
	return old
}

// columnOf maps a field error's path to its CSV column.
func columnOf(field string) string {
	field = strings.TrimPrefix(field, "data.")
	field = strings.TrimPrefix(field, "relations.")
	if i := strings.IndexAny(field, "[."); i >= 0 {
		field = field[:i]
	}
	return field
}

// countRowErrors counts the distinct lines with errors so far (rows that
// could not even be read).
func countRowErrors(errs []RowError) int {
	lines := map[int]bool{}
	for _, e := range errs {
		lines[e.Line] = true
	}
	return len(lines)
}

// loadMany reads the stored assets with the numbers, given in any case,
// without their history, by number key; missing ones are left out. The
// records may be shared with the in-memory index: callers do not change
// them.
//
// On the embedded store the index holds every asset, so this reads
// nothing: a re-import of a file of unchanged rows compares each with
// memory and costs no database work at all. On MongoDB it is two queries
// per 500 numbers, by _id and by number key (the second finds the numbers
// given in another case).
func (s *Service) loadMany(ctx context.Context, numbers []string) (map[string]*Asset, error) {
	out := map[string]*Asset{}
	if s.mem != nil {
		if err := s.Warm(ctx); err != nil {
			return nil, err
		}
		for _, n := range numbers {
			if a, ok := s.mem.get(n); ok {
				out[numberKey(n)] = a
			}
		}
		return out, nil
	}
	keys := make([]string, len(numbers))
	for i, n := range numbers {
		keys[i] = numberKey(n)
	}
	var list []*Asset
	if err := s.store.GetMany(ctx, AssetsCollection, numbers, &list); err != nil {
		return nil, fmt.Errorf("asset: read assets: %w", err)
	}
	for start := 0; start < len(keys); start += loadBatch {
		var part []*Asset
		f := store.Find{Shape: shapeByKey, In: store.Condition{Field: "number_key", Value: keys[start:min(start+loadBatch, len(keys))]}, Fields: recordFields}
		if err := s.store.Find(ctx, AssetsCollection, f, &part); err != nil {
			return nil, fmt.Errorf("asset: read assets: %w", err)
		}
		list = append(list, part...)
	}
	for _, a := range list {
		a.normalize()
		a.History = nil
		out[numberKey(a.Number)] = a
	}
	return out, nil
}

// loadBatch is how many numbers one look-up by key carries.
const loadBatch = 500

// importBatch is how many new assets one insert carries.
const importBatch = 100

// writeImport stores the planned rows: new assets with given numbers in
// batches, new assets without numbers one by one (each takes the next
// number), changed assets by compare-and-set.
func (s *Service) writeImport(ctx context.Context, actor *auth.Principal, c *definition.AssetClass, rows []*importRow) error {
	now := s.stamp()
	who := actorName(actor)
	var batch []*Asset
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		docs := make([]any, len(batch))
		for i, a := range batch {
			docs[i] = a
		}
		stored, err := s.store.InsertMany(ctx, AssetsCollection, docs)
		// Rows before the failing one are stored.
		for _, a := range batch[:stored] {
			s.indexed(a)
		}
		if errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("asset: import: %s was created meanwhile; import the file again: %w", batch[stored].Number, fault.Conflict)
		}
		if err != nil {
			return fmt.Errorf("asset: import: store assets: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for _, row := range rows {
		a := row.next
		if row.next == row.old {
			continue // unchangedRow
		}
		if row.old != nil {
			if _, err := s.commit(ctx, actor, row.old, a, ChangeImported); err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
			continue
		}
		a.Version = 1
		a.Key = numberKey(a.Number)
		a.Created, a.Updated, a.CreatedBy, a.UpdatedBy = now, now, who, who
		a.History = []Change{{At: now, Actor: who, Type: ChangeImported, Fields: diff(nil, a)}}
		if row.number == "" {
			if err := s.insertNew(ctx, c, a); err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
			s.indexed(a)
			continue
		}
		batch = append(batch, a)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
