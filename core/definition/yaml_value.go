package definition

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxNodes bounds how many nodes one document may expand to through aliases,
// so a "billion laughs" file is refused instead of exhausting memory.
const maxNodes = 200_000

// nodeError is a problem found while turning a YAML node into a JSON value.
type nodeError struct {
	node *yaml.Node
	code string
	msg  string
}

// jsonValue converts a YAML node into the value shapes the JSON Schema
// validator understands (map[string]any, []any, string, bool, int64,
// float64, nil), resolving aliases.
func jsonValue(n *yaml.Node) (any, *nodeError) {
	budget := maxNodes
	return convertNode(n, &budget, 0)
}

func convertNode(n *yaml.Node, budget *int, depth int) (any, *nodeError) {
	*budget--
	if *budget < 0 {
		return nil, &nodeError{n, "yaml_too_large", "document expands to too many nodes (alias bomb?)"}
	}
	if depth > 200 {
		return nil, &nodeError{n, "yaml_too_deep", "document is nested too deeply"}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return convertNode(n.Content[0], budget, depth+1)
	case yaml.AliasNode:
		return convertNode(n.Alias, budget, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := convertNode(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.ShortTag() == "!!merge" {
				return nil, &nodeError{k, "yaml_merge_key", "merge keys (<<) are not supported; write the keys out"}
			}
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
				return nil, &nodeError{k, "yaml_key", "mapping keys must be plain strings"}
			}
			if _, dup := out[k.Value]; dup {
				return nil, &nodeError{k, "yaml_duplicate_key", fmt.Sprintf("key '%s' appears twice", k.Value)}
			}
			cv, err := convertNode(v, budget, depth+1)
			if err != nil {
				return nil, err
			}
			out[k.Value] = cv
		}
		return out, nil
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil, &nodeError{n, "yaml_node", "unsupported YAML node"}
}

func scalarValue(n *yaml.Node) (any, *nodeError) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, &nodeError{n, "yaml_value", err.Error()}
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			// Too large for int64: keep it as a number all the same.
			f, ferr := strconv.ParseFloat(n.Value, 64)
			if ferr != nil {
				return nil, &nodeError{n, "yaml_value", fmt.Sprintf("invalid integer %q", n.Value)}
			}
			return f, nil
		}
		return i, nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, &nodeError{n, "yaml_value", err.Error()}
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, &nodeError{n, "yaml_value", fmt.Sprintf("%q is not a usable number", n.Value)}
		}
		return f, nil
	default:
		// Strings, and timestamps, binary and custom tags, which definitions
		// only ever use as their literal text (e.g. dates 2026-12-24).
		return n.Value, nil
	}
}

// nodeAt follows a JSON pointer (as reported by the schema validator) through
// the YAML tree and returns the deepest node it reaches, plus the key node
// when the last step was a mapping key.
func nodeAt(root *yaml.Node, pointer string) (value, key *yaml.Node) {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if pointer == "" || pointer == "/" {
		return n, nil
	}
	for _, raw := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok := strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			k, v := mappingEntry(n, tok)
			if v == nil {
				return n, key
			}
			n, key = v, k
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return n, key
			}
			n, key = n.Content[i], nil
		default:
			return n, key
		}
	}
	return n, key
}

// mappingEntry returns the key and value nodes of name in mapping m.
func mappingEntry(m *yaml.Node, name string) (key, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Value == name {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func posOf(n *yaml.Node) Pos {
	if n == nil {
		return Pos{1, 1}
	}
	return Pos{Line: n.Line, Col: n.Column}
}
