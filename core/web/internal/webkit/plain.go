package webkit

import "time"

// plain converts data as the store reads it (int64 numbers, time.Time)
// into the JSON data model the form package works on.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return v
}

// PlainMap is plain for a document.
func PlainMap(m map[string]any) map[string]any {
	out, _ := plain(m).(map[string]any)
	return out
}
