package definition

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// flowMappingHint explains the usual cause of a broken short map such as a
// label {de: …, en: …}: in braces, ", " ends a value and ": " or "? " in the
// text are read as YAML, which ordinary German text is full of.
const flowMappingHint = ` (a map in braces such as {de: …, en: …} needs its closing '}', and a ", ", ": " or "? " in its text ends or breaks the value: put the text in quotes, {de: "Wer? Wann, wo?", en: …}, or write the map in block form with de: and en: on lines of their own)`

// brokenFlow reports whether a YAML syntax message is one of a flow mapping
// or sequence that did not end where the text meant it to.
func brokenFlow(msg string) bool {
	return strings.HasPrefix(msg, "did not find expected ',' or '}'") || strings.HasPrefix(msg, "did not find expected ',' or ']'")
}

// splitByComma reports whether value is the empty value of a key in a flow
// mapping, which is what "{de: Hallo, Welt}" makes of "Welt": a word after
// a comma that was meant to be part of the text.
func splitByComma(mapping, value *yaml.Node) bool {
	return mapping != nil && value != nil && mapping.Style&yaml.FlowStyle != 0 &&
		value.Kind == yaml.ScalarNode && value.ShortTag() == "!!null" && value.Value == ""
}
