package notify_test

import (
	"reflect"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/notify"
)

// TestTemplateFieldsMatchData holds the template data that `vorgang
// validate` checks templates against (definition.TemplateFields()) to the
// data the renderer passes: a field added to one must be added to the
// other, or validate refuses templates that would render, or passes ones
// that fail.
func TestTemplateFieldsMatchData(t *testing.T) {
	got := map[string]map[string]bool{}
	var walk func(level string, typ reflect.Type)
	walk = func(level string, typ reflect.Type) {
		fields := map[string]bool{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			nested := f.Type.Kind() == reflect.Struct || f.Type.Kind() == reflect.Map
			fields[f.Name] = nested
			if f.Type.Kind() == reflect.Struct {
				walk(joinLevel(level, f.Name), f.Type)
			}
		}
		got[level] = fields
	}
	walk("", reflect.TypeOf(notify.Data{}))
	if !reflect.DeepEqual(got, definition.TemplateFields()) {
		t.Errorf("definition.TemplateFields() = %v\nnotify.Data has %v", definition.TemplateFields(), got)
	}
}

func joinLevel(level, name string) string {
	if level == "" {
		return name
	}
	return level + "." + name
}
