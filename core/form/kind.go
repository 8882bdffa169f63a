package form

import (
	"fmt"

	"vorgang/core/definition"
)

// Kind is what a form does with the fields of one type: the JSON Schema of
// their values, how a submitted value is read and checked, how the field is
// rendered, how its problems are put into words, and how a stored value is
// shown on pages and in CSV files. kinds holds one per field type, so a new
// type is one entry there (plus its name in the schema's enum, its rule in
// core/definition and a line in the docs).
type Kind struct {
	// shape is one value, a list of values or a list of group entries.
	shape shape

	// norm normalises one submitted text — the value, or one element of a
	// list — into the value stored; nil means absent.
	norm func(f *field, s string) any
	// decode reads the values a browser posted for the field; nil means
	// absent. What it cannot read it keeps as text for Validate to report.
	decode func(c *Compiled, f *field, vals []string, lang string) any
	// absent is the value of a visible input field the client did not send
	// (false for a checkbox); nil leaves it out.
	absent any

	// schema adds the type's keywords to the field's JSON Schema.
	schema func(c *Compiled, f *field, s map[string]any)
	// typeCode is the error code of a value of the wrong JSON type.
	typeCode string
	// formatCode is the error code of a value the schema's format refuses.
	formatCode string
	// ref reports whether the field's values are ids of stored records,
	// checked by Config.Refs.
	ref func(d *definition.Field) bool
	// maxText is max_length when the definition sets none (0: defaultMaxText).
	maxText int
	// maxItems is max_items of a list or group when the definition sets
	// none.
	maxItems func(d *definition.Field) int
	// day says whether the value is a day or an instant, so min_date and
	// max_date apply.
	day day
	// computed: the form computes the value; a client never sends it.
	computed bool
	// files: the values are ids of attachments uploaded with the form.
	files bool

	// render fills the view of the field's control and returns the id the
	// error summary links to when it is not the control's own.
	render func(r *renderer, f *field, vf *vField, value any) string

	// ask asks for a missing value (required).
	ask phrase
	// items names what a list or group holds (too_few, too_many).
	items noun

	// show writes a stored value as text; nil for groups and files, whose
	// entries and files are shown instead.
	show func(d *definition.Field, v any, lang string) string
	// cell is how the value sits in a CSV file.
	cell Cell
}

// shape is how a field's value is built.
type shape int

const (
	shapeValue shape = iota + 1 // one value
	shapeList                   // a list of values
	shapeGroup                  // a list of entries of sub-fields
)

// day says what kind of date a value is.
type day int

const (
	dayNone    day = iota
	dayDate        // a calendar day, 2026-12-24
	dayInstant     // an instant, RFC 3339 with offset
)

// Cell is how a field's value sits in a cell of a CSV file
// (docs/assets.md has the conventions).
type Cell int

const (
	// CellText is one value as text, numbers in plain notation.
	CellText Cell = iota + 1
	// CellList is several values separated by "|".
	CellList
	// CellBool is a checkbox: ja or nein.
	CellBool
	// CellNone means the field has no column.
	CellNone
)

// kinds has one Kind per field type.
var kinds = map[definition.FieldType]*Kind{
	definition.FieldText: {
		shape: shapeValue, norm: normTrim, decode: decodeText,
		schema: schemaText(""), typeCode: CodeInvalidType, ref: refNever, maxText: defaultMaxText,
		render: renderInput("text", ""), ask: askFill, show: showPlain, cell: CellText,
	},
	definition.FieldTextarea: {
		shape: shapeValue, norm: normLines, decode: decodeText,
		schema: schemaText(""), typeCode: CodeInvalidType, ref: refNever, maxText: defaultMaxTextarea,
		render: renderTextarea, ask: askFill, show: showPlain, cell: CellText,
	},
	definition.FieldNumber: {
		shape: shapeValue, norm: normKeep, decode: decodeParsed(parseNumber),
		schema: schemaNumber, typeCode: CodeNotANumber, ref: refNever,
		render: renderNumber, ask: askFill, show: showNumber, cell: CellText,
	},
	definition.FieldDate: {
		shape: shapeValue, norm: normTrim, decode: decodeParsed(parseDate),
		schema: schemaString("date"), typeCode: CodeInvalidDate, formatCode: CodeInvalidDate, ref: refNever, day: dayDate,
		render: renderDate, ask: askFill, show: showDate, cell: CellText,
	},
	definition.FieldDatetime: {
		shape: shapeValue, norm: normTrim, decode: decodeParsed(parseDateTime),
		schema: schemaString("date-time"), typeCode: CodeInvalidDate, formatCode: CodeInvalidDate, ref: refNever, day: dayInstant,
		render: renderDate, ask: askFill, show: showPlain, cell: CellText,
	},
	definition.FieldSelect: {
		shape: shapeValue, norm: normOption, decode: decodeText,
		schema: schemaSelect, typeCode: CodeInvalidType, ref: refLookup,
		render: renderChoice, ask: askChoose, show: showOptions, cell: CellText,
	},
	definition.FieldMultiselect: {
		shape: shapeList, norm: normOption, decode: decodeList,
		schema: schemaMultiselect, typeCode: CodeInvalidType, ref: refLookup, maxItems: maxOptions,
		render: renderCheckboxes, ask: askChoose, items: nounChoices, show: showOptions, cell: CellList,
	},
	definition.FieldCheckbox: {
		shape: shapeValue, norm: normKeep, decode: decodeCheckbox, absent: false,
		schema: schemaCheckbox, typeCode: CodeInvalidType, ref: refNever,
		render: renderCheckbox, ask: askConfirm, show: showYesNo, cell: CellBool,
	},
	definition.FieldEmail: {
		shape: shapeValue, norm: normTrim, decode: decodeText,
		schema: schemaText("email"), typeCode: CodeInvalidType, formatCode: CodeInvalidEmail, ref: refNever, maxText: defaultMaxEmail,
		render: renderInput("email", ""), ask: askFill, show: showPlain, cell: CellText,
	},
	definition.FieldPhone: {
		shape: shapeValue, norm: normTrim, decode: decodeText,
		schema: schemaText(""), typeCode: CodeInvalidType, ref: refNever, maxText: defaultMaxPhone,
		render: renderInput("tel", "tel"), ask: askFill, show: showPlain, cell: CellText,
	},
	definition.FieldFile: {
		shape: shapeList, norm: normTrim, decode: decodeList, files: true,
		schema: schemaFiles, typeCode: CodeInvalidType, ref: refAlways, maxItems: maxFiles,
		render: renderFile, ask: askUpload, items: nounFiles, cell: CellNone,
	},
	definition.FieldUser: {
		shape: shapeValue, norm: normTrim, decode: decodeText,
		schema: schemaID, typeCode: CodeInvalidType, ref: refAlways,
		render: renderChoice, ask: askChoose, show: showPlain, cell: CellText,
	},
	definition.FieldAsset: {
		shape: shapeValue, norm: normTrim, decode: decodeText,
		schema: schemaID, typeCode: CodeInvalidType, ref: refAlways,
		render: renderChoice, ask: askChoose, show: showPlain, cell: CellText,
	},
	definition.FieldGroup: {
		shape: shapeGroup, decode: decodeRaw,
		schema: schemaGroup, typeCode: CodeInvalidType, ref: refNever, maxItems: maxEntries,
		render: renderGroup, ask: askEntries, items: nounEntries, cell: CellNone,
	},
	definition.FieldComputed: {
		shape: shapeValue, computed: true,
		schema: schemaComputed, typeCode: CodeInvalidType, ref: refNever,
		render: renderOutput, show: showNumber, cell: CellText,
	},
}

// KindOf returns the kind of fields of type t, or nil when t is no field
// type (a loaded catalog has none such). The methods of a nil Kind answer
// as for a text field.
func KindOf(t definition.FieldType) *Kind { return kinds[t] }

// Group reports whether a value is a list of entries of sub-fields.
func (k *Kind) Group() bool { return k != nil && k.shape == shapeGroup }

// Files reports whether the values are ids of attachments uploaded with the
// form.
func (k *Kind) Files() bool { return k != nil && k.files }

// Cell returns how a value of the kind sits in a CSV cell.
func (k *Kind) Cell() Cell {
	if k == nil {
		return CellText
	}
	return k.cell
}

// Text writes a stored value of field d as text for a page in lang ("de" or
// "en"): an option's label, a number in the language's notation with its
// unit, a day as 24.12.2026 or 24 Dec 2026, a checkbox as Ja or Nein. The
// entries of a group and the files of a file field are not texts: a page
// shows them itself.
func (k *Kind) Text(d *definition.Field, v any, lang string) string {
	if k == nil || k.show == nil {
		return fmt.Sprint(v)
	}
	return k.show(d, v, normLang(lang))
}
