package definition

import "strings"

// FieldType is the type of a form field. The types are the enum of a
// field's `type` in schemas/common.schema.json.
// What a form does with each type (its JSON Schema, how a value is read,
// checked, rendered and shown) is the kind table of core/form.
type FieldType string

// The field types.
const (
	FieldText        FieldType = "text"
	FieldTextarea    FieldType = "textarea"
	FieldNumber      FieldType = "number"
	FieldDate        FieldType = "date"
	FieldDatetime    FieldType = "datetime"
	FieldSelect      FieldType = "select"
	FieldMultiselect FieldType = "multiselect"
	FieldCheckbox    FieldType = "checkbox"
	FieldEmail       FieldType = "email"
	FieldPhone       FieldType = "phone"
	FieldFile        FieldType = "file"
	FieldUser        FieldType = "user"
	FieldAsset       FieldType = "asset"
	FieldGroup       FieldType = "group"
	FieldComputed    FieldType = "computed"
)

// fieldRule is what the loader knows about one field type: the optional
// keys that apply to it and whether its value is a number.
type fieldRule struct {
	typ  FieldType
	keys fieldKey
	// needs are keys a field of the type cannot do without (one of them).
	needs fieldKey
	// number: the value is a number, so it may be summed by a computed
	// field and be an approval's amount.
	number bool
}

// fieldRules has one rule per field type, in the order of the schema's enum.
var fieldRules = []fieldRule{
	{typ: FieldText, keys: keyPattern},
	{typ: FieldTextarea, keys: keyPattern},
	{typ: FieldNumber, keys: keyRange, number: true},
	{typ: FieldDate, keys: keyDates},
	{typ: FieldDatetime, keys: keyDates},
	{typ: FieldSelect, keys: keyOptions | keyLookup, needs: keyOptions | keyLookup},
	{typ: FieldMultiselect, keys: keyOptions | keyLookup, needs: keyOptions | keyLookup},
	{typ: FieldCheckbox},
	{typ: FieldEmail, keys: keyPattern},
	{typ: FieldPhone, keys: keyPattern},
	{typ: FieldFile, keys: keyFiles},
	{typ: FieldUser, keys: keyRole | keyTeam},
	{typ: FieldAsset, keys: keyAssetClass},
	{typ: FieldGroup, keys: keyFields, needs: keyFields},
	{typ: FieldComputed, keys: keyCompute, needs: keyCompute, number: true},
}

// rule returns the rule of t; an unknown type has the zero rule (no keys
// apply).
func (t FieldType) rule() fieldRule {
	for _, r := range fieldRules {
		if r.typ == t {
			return r
		}
	}
	return fieldRule{}
}

// fieldKey is a set of field keys that apply to some types only.
type fieldKey uint16

const (
	keyOptions fieldKey = 1 << iota
	keyLookup
	keyFields
	keyCompute
	keyAssetClass
	keyRole
	keyTeam
	keyDates
	keyPattern
	keyRange
	keyFiles
)

// typedKeys are the keys of fieldKey in the order they are checked, with
// their names in messages and whether a field sets them.
var typedKeys = []struct {
	key  fieldKey
	name string
	set  func(f *Field) bool
}{
	{keyOptions, "options", func(f *Field) bool { return len(f.Options) > 0 }},
	{keyLookup, "lookup", func(f *Field) bool { return f.Lookup != nil }},
	{keyFields, "fields", func(f *Field) bool { return len(f.Fields) > 0 }},
	{keyCompute, "compute", func(f *Field) bool { return f.Compute != nil }},
	{keyAssetClass, "asset_class", func(f *Field) bool { return !f.AssetClass.IsZero() }},
	{keyRole, "role", func(f *Field) bool { return !f.Role.IsZero() }},
	{keyTeam, "team", func(f *Field) bool { return !f.Team.IsZero() }},
	{keyDates, "min_date/max_date", func(f *Field) bool { return f.MinDate != "" || f.MaxDate != "" }},
	{keyPattern, "pattern", func(f *Field) bool { return !f.Pattern.IsZero() }},
	{keyRange, "min/max/step", func(f *Field) bool { return f.Min != nil || f.Max != nil || f.Step != nil }},
	{keyFiles, "accept/max_size", func(f *Field) bool { return len(f.Accept) > 0 || f.MaxSize != "" }},
}

// Known reports whether t is a field type.
func (t FieldType) Known() bool { return t.rule().typ != "" }

// Number reports whether a field of type t holds a number: a computed
// field may sum it and an approval may take its amount from it.
func (t FieldType) Number() bool { return t.rule().number }

// has reports whether key applies to fields of the rule's type.
func (r fieldRule) has(key fieldKey) bool { return r.keys&key != 0 }

// typesWith names the types key applies to: "select and multiselect".
func typesWith(key fieldKey) string {
	var names []string
	for _, r := range fieldRules {
		if r.has(key) {
			names = append(names, string(r.typ))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// keyNames names the keys of a set for a message: 'options' or 'lookup'.
func keyNames(set fieldKey) string {
	var names []string
	for _, k := range typedKeys {
		if set&k.key != 0 {
			names = append(names, "'"+k.name+"'")
		}
	}
	return strings.Join(names, " or ")
}
