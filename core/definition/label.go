package definition

import "gopkg.in/yaml.v3"

// Label is a text shown to people, in German and optionally English.
type Label struct {
	De string `yaml:"de" json:"de"`
	En string `yaml:"en,omitempty" json:"en,omitempty"`
	// Pos is where the label was written; DePos and EnPos where each
	// text starts (for block scalars: the line after the indicator).
	Pos   Pos `yaml:"-" json:"-"`
	DePos Pos `yaml:"-" json:"-"`
	EnPos Pos `yaml:"-" json:"-"`
}

// UnmarshalYAML accepts a plain string (German) or a {de, en} mapping.
func (l *Label) UnmarshalYAML(n *yaml.Node) error {
	l.Pos = posOf(n)
	if n.Kind == yaml.ScalarNode {
		l.De, l.DePos = n.Value, textPos(n)
		return nil
	}
	type plain Label
	if err := n.Decode((*plain)(l)); err != nil {
		return err
	}
	l.Pos = posOf(n)
	if _, v := mappingEntry(n, "de"); v != nil {
		l.DePos = textPos(v)
	}
	if _, v := mappingEntry(n, "en"); v != nil {
		l.EnPos = textPos(v)
	}
	return nil
}

// In returns the text in lang ("de" or "en"), falling back to German.
func (l Label) In(lang string) string {
	if lang == "en" && l.En != "" {
		return l.En
	}
	return l.De
}

// IsZero reports whether the label has no text.
func (l Label) IsZero() bool { return l.De == "" && l.En == "" }

// textPos is where a scalar's text starts: block scalars (| and >) begin on
// the line after their indicator.
func textPos(n *yaml.Node) Pos {
	p := posOf(n)
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		p.Line++
		p.Col = 1
	}
	return p
}
