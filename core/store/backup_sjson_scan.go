package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// A small JSON scanner for the stored form: it splits an object into its
// members and an array into its items as slices of the input, without
// decoding or allocating for the values. Values are checked for their
// structure here and decoded by their schema type (backup_sjson.go).

// jsonMember is one member of a JSON object: the key still quoted and
// escaped as stored, and the value's bytes.
type jsonMember struct {
	key   []byte // between the quotes
	value []byte
}

// is reports whether the member's key is key.
func (m jsonMember) is(key string) bool {
	if !slices.Contains(m.key, '\\') {
		return string(m.key) == key
	}
	var k string
	quoted := make([]byte, 0, len(m.key)+2)
	quoted = append(append(append(quoted, '"'), m.key...), '"')
	return json.Unmarshal(quoted, &k) == nil && k == key
}

var errJSONEnd = errors.New("unexpected end of JSON")

// jsonMembers appends the members of the JSON object b to dst.
func jsonMembers(b []byte, dst []jsonMember) ([]jsonMember, error) {
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, fmt.Errorf("not an object: %.20q", b)
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return dst, checkJSONEnd(b, i+1)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, fmt.Errorf("object key expected at byte %d", i)
		}
		end, err := scanJSONString(b, i)
		if err != nil {
			return nil, err
		}
		key := b[i+1 : end-1]
		i = skipJSONSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("colon expected at byte %d", i)
		}
		i = skipJSONSpace(b, i+1)
		end, err = scanJSONValue(b, i)
		if err != nil {
			return nil, err
		}
		dst = append(dst, jsonMember{key: key, value: b[i:end]})
		i = skipJSONSpace(b, end)
		if i >= len(b) {
			return nil, errJSONEnd
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
		case '}':
			return dst, checkJSONEnd(b, i+1)
		default:
			return nil, fmt.Errorf("comma or end of object expected at byte %d", i)
		}
	}
}

// jsonItems returns the items of the JSON array b.
func jsonItems(b []byte) ([][]byte, error) {
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, fmt.Errorf("not an array: %.20q", b)
	}
	var items [][]byte
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return items, checkJSONEnd(b, i+1)
	}
	for {
		end, err := scanJSONValue(b, i)
		if err != nil {
			return nil, err
		}
		items = append(items, b[i:end])
		i = skipJSONSpace(b, end)
		if i >= len(b) {
			return nil, errJSONEnd
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
		case ']':
			return items, checkJSONEnd(b, i+1)
		default:
			return nil, fmt.Errorf("comma or end of array expected at byte %d", i)
		}
	}
}

func checkJSONEnd(b []byte, i int) error {
	if skipJSONSpace(b, i) != len(b) {
		return fmt.Errorf("data after the value at byte %d", i)
	}
	return nil
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanJSONString returns the end of the string that starts at b[i].
func scanJSONString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			j++ // the escaped character; \uXXXX's digits are plain bytes
		case c < 0x20:
			return 0, fmt.Errorf("control character in a string at byte %d", j)
		}
	}
	return 0, errJSONEnd
}

// scanJSONValue returns the end of the value that starts at b[i].
func scanJSONValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errJSONEnd
	}
	switch c := b[i]; {
	case c == '"':
		return scanJSONString(b, i)
	case c == '{' || c == '[':
		return scanJSONNested(b, i)
	case c == 't':
		return scanJSONLiteral(b, i, "true")
	case c == 'f':
		return scanJSONLiteral(b, i, "false")
	case c == 'n':
		return scanJSONLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
			j++
		}
		return j, nil
	}
	return 0, fmt.Errorf("invalid character %q at byte %d", b[i], i)
}

// scanJSONNested returns the end of the object or array that starts at
// b[i], checking that brackets pair up; its content is checked when it
// is split itself.
func scanJSONNested(b []byte, i int) (int, error) {
	var open []byte
	for j := i; j < len(b); j++ {
		switch c := b[j]; c {
		case '"':
			end, err := scanJSONString(b, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case '{', '[':
			open = append(open, c)
		case '}', ']':
			if len(open) == 0 || (c == '}') != (open[len(open)-1] == '{') {
				return 0, fmt.Errorf("unbalanced %q at byte %d", c, j)
			}
			open = open[:len(open)-1]
			if len(open) == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, errJSONEnd
}

func scanJSONLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, fmt.Errorf("invalid literal at byte %d", i)
	}
	return i + len(lit), nil
}

// parseSJSONSchema decodes a stored schema ({"p": {field: elem}, "$k":
// [fields]}) as json.Unmarshal into sjsonSchema would, with the scanner
// above: a backup decodes one per distinct schema, and history entries
// have many. Members it does not know are ignored, as json.Unmarshal
// does.
func parseSJSONSchema(raw []byte) (*sjsonSchema, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	members, err := jsonMembers(raw, nil)
	if err != nil {
		return nil, err
	}
	sch := &sjsonSchema{}
	for _, m := range members {
		switch {
		case m.is("p"):
			if string(m.value) == "null" {
				continue
			}
			props, err := jsonMembers(m.value, nil)
			if err != nil {
				return nil, fmt.Errorf("p: %w", err)
			}
			sch.Properties = make(map[string]*sjsonElem, len(props))
			for _, p := range props {
				key, err := jsonString(append(append([]byte{'"'}, p.key...), '"'))
				if err != nil {
					return nil, err
				}
				el, err := parseSJSONElem(p.value)
				if err != nil {
					return nil, fmt.Errorf("p.%s: %w", key, err)
				}
				sch.Properties[key] = el
			}
		case m.is("$k"):
			if string(m.value) == "null" {
				continue
			}
			items, err := jsonItems(m.value)
			if err != nil {
				return nil, fmt.Errorf("$k: %w", err)
			}
			sch.Keys = make([]string, len(items))
			for i, item := range items {
				if sch.Keys[i], err = jsonString(item); err != nil {
					return nil, fmt.Errorf("$k: %w", err)
				}
			}
		}
	}
	return sch, nil
}

// parseSJSONElem decodes the type of one stored value.
func parseSJSONElem(raw []byte) (*sjsonElem, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	members, err := jsonMembers(raw, nil)
	if err != nil {
		return nil, err
	}
	el := &sjsonElem{}
	for _, m := range members {
		if string(m.value) == "null" {
			continue
		}
		switch {
		case m.is("t"):
			if el.Type, err = jsonString(m.value); err != nil {
				return nil, err
			}
		case m.is("$s"):
			if el.Schema, err = parseSJSONSchema(m.value); err != nil {
				return nil, err
			}
		case m.is("o"):
			o, err := jsonString(m.value)
			if err != nil {
				return nil, err
			}
			el.Options = &o
		case m.is("i"):
			items, err := jsonItems(m.value)
			if err != nil {
				return nil, err
			}
			el.Items = make([]*sjsonElem, len(items))
			for i, item := range items {
				if el.Items[i], err = parseSJSONElem(item); err != nil {
					return nil, fmt.Errorf("item %d: %w", i, err)
				}
			}
		case m.is("s"):
			n, err := jsonNumber(m.value, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 8) })
			if err != nil {
				return nil, err
			}
			b := byte(n)
			el.Subtype = &b
		}
	}
	return el, nil
}
