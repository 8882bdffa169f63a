package form

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// plainNumber is the notation of a numeric string: digits with an optional
// sign and decimal point, nothing else. Locale notations are turned into it by
// DecodeForm before anything compares them.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// toNumber returns v as a float64 when it is a number, or a string holding a
// number in plain notation.
func toNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil && !math.IsInf(f, 0)
	case string:
		s := strings.TrimSpace(n)
		if !plainNumber.MatchString(s) {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	return 0, false
}

// isNumber reports whether v is a Go or JSON number (not a numeric string).
func isNumber(v any) bool {
	if _, ok := v.(string); ok {
		return false
	}
	_, ok := toNumber(v)
	return ok
}

// isEmpty reports whether a value counts as "no answer": missing (nil), an
// empty or blank string, an empty list, an empty object, or false (an
// unticked checkbox).
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// canon converts a value into the JSON data model the package works on:
// nil, bool, string, float64, []any and map[string]any. Other Go numbers and
// json.Number become float64, []string and []map[string]any become []any.
// ok is false for values with no JSON meaning (structs, channels, NaN, ±Inf).
func canon(v any) (out any, ok bool) {
	ok = true
	out = canonReport(v, nil, func([]string) { ok = false })
	if !ok {
		return nil, false
	}
	return out, true
}

// canonReport is canon that drops what has no JSON meaning (a map entry is
// removed, a list element becomes nil) and reports where it was, as the
// keys and indexes below v.
func canonReport(v any, at []string, bad func(at []string)) any {
	sub := func(key string) []string { return append(append([]string(nil), at...), key) }
	switch x := v.(type) {
	case nil, bool, string:
		return x
	case []any:
		res := make([]any, len(x))
		for i, e := range x {
			res[i] = canonReport(e, sub(strconv.Itoa(i)), bad)
		}
		return res
	case []string:
		res := make([]any, len(x))
		for i, e := range x {
			res[i] = e
		}
		return res
	case []map[string]any:
		res := make([]any, len(x))
		for i, e := range x {
			res[i] = canonReport(e, sub(strconv.Itoa(i)), bad)
		}
		return res
	case map[string]any:
		res := make(map[string]any, len(x))
		for k, e := range x {
			if e == nil {
				res[k] = nil
				continue
			}
			if c := canonReport(e, sub(k), bad); c != nil {
				res[k] = c
			}
		}
		return res
	}
	if !isString(v) {
		if f, isNum := toNumber(v); isNum && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
	bad(at)
	return nil
}

func isString(v any) bool { _, ok := v.(string); return ok }

// decimalOf returns the exact decimal value of a float64 as written in its
// shortest representation: 19.99 is 1999/100, not the binary fraction nearest
// to it. Computations on money use it so that 3 × 19.99 is 59.97.
func decimalOf(f float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'f', -1, 64))
	if !ok {
		return new(big.Rat)
	}
	return r
}

// ratFloat returns the float64 nearest to r.
func ratFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	if f == 0 {
		return 0 // no negative zero in stored data
	}
	return f
}

// decimals returns how many decimal places step has (0.01 → 2, 5 → 0), or -1
// when step is nil.
func decimals(step *float64) int {
	if step == nil {
		return -1
	}
	s := strconv.FormatFloat(*step, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// formatNumber writes f in lang's notation without digit grouping: "12,5"
// in German, "12.5" in English. dec fixes the number of decimal places;
// -1 uses as many as needed.
func formatNumber(f float64, dec int, lang string) string {
	var s string
	if dec >= 0 {
		s = decimalOf(f).FloatString(dec)
	} else {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// valueString returns the text of a scalar for HTML values and option
// matching: numbers in plain notation, booleans as true/false.
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	if f, ok := toNumber(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
