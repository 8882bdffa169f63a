package ticket

import (
	"fmt"
	"reflect"
	"time"
)

// fields reads a stored data map in the shapes the database decodes into
// and the engine writes (lists as []any or []string, documents as maps or
// key-value lists, numbers of any width) and remembers the first value of
// the wrong type. A missing key reads as the zero value.
type fields struct {
	m   map[string]any
	err error
}

func newFields(m map[string]any) *fields { return &fields{m: m} }

func (d *fields) fail(key string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s is %T, not %s", key, v, want)
	}
}

// keep takes over the first error of a nested reader.
func (d *fields) keep(sub *fields) {
	if d.err == nil {
		d.err = sub.err
	}
}

func (d *fields) str(key string) string {
	v, ok := d.m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(key, v, "text")
	}
	return s
}

func (d *fields) bool(key string) bool {
	v, ok := d.m[key]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(key, v, "true or false")
	}
	return b
}

func (d *fields) int(key string) int {
	switch x := d.m[key].(type) {
	case nil:
		return 0
	case int:
		return x
	case int32:
		return int(x)
	case int64:
		return int(x)
	case float64:
		return int(x)
	default:
		d.fail(key, x, "a number")
		return 0
	}
}

// list returns a list value as []any.
func (d *fields) list(key string) []any {
	v := d.m[key]
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		d.fail(key, v, "a list")
		return nil
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// strings returns a list of texts, empty (not nil) when missing.
func (d *fields) strings(key string) []string {
	out := d.stringsOrNil(key)
	if out == nil {
		return []string{}
	}
	return out
}

// stringsOrNil returns a list of texts, nil when missing.
func (d *fields) stringsOrNil(key string) []string {
	if _, ok := d.m[key]; !ok {
		return nil
	}
	list := d.list(key)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			d.fail(key, x, "a list of texts")
			continue
		}
		out = append(out, s)
	}
	return out
}

// data returns a document value as a map, nil when missing.
func (d *fields) data(key string) map[string]any {
	v, ok := d.m[key]
	if !ok || v == nil {
		return nil
	}
	m := d.asMap(v)
	if m == nil {
		d.fail(key, v, "a document")
	}
	return m
}

func (d *fields) sub(key string) *fields {
	m := d.data(key)
	if m == nil {
		return nil
	}
	return newFields(m)
}

// asMap converts a document in any decoded shape to a map, nil if v is no
// document. A key-value list (the driver's ordered document) keeps its
// keys.
func (d *fields) asMap(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = it.Value().Interface()
		}
		return out
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Struct:
		key, okK := rv.Type().Elem().FieldByName("Key")
		val, okV := rv.Type().Elem().FieldByName("Value")
		if !okK || !okV || key.Type.Kind() != reflect.String {
			return nil
		}
		out := make(map[string]any, rv.Len())
		for i := 0; i < rv.Len(); i++ {
			e := rv.Index(i)
			out[e.FieldByIndex(key.Index).String()] = e.FieldByIndex(val.Index).Interface()
		}
		return out
	}
	return nil
}

// anyList is list as the []any the engine has always stored, never nil.
func anyList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// time returns a time value, the zero time when missing.
func (d *fields) time(key string) time.Time {
	v, ok := d.m[key]
	if !ok || v == nil {
		return time.Time{}
	}
	t, ok := v.(time.Time)
	if !ok {
		d.fail(key, v, "a time")
	}
	return t.UTC()
}
