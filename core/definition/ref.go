package definition

import "gopkg.in/yaml.v3"

// Ref is an identifier or a reference to one, remembering where it was
// written so cross-reference errors can point at it.
type Ref struct {
	Value string
	Pos   Pos
}

// UnmarshalYAML keeps the scalar's value and position.
func (r *Ref) UnmarshalYAML(n *yaml.Node) error {
	r.Pos = posOf(n)
	return n.Decode(&r.Value)
}

// String returns the identifier.
func (r Ref) String() string { return r.Value }

// IsZero reports whether the reference was left out.
func (r Ref) IsZero() bool { return r.Value == "" }

// Refs returns the values of refs.
func Refs(refs []Ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Value
	}
	return out
}

// Meta holds what every definition document has.
type Meta struct {
	APIVersion  string `yaml:"apiVersion"`
	Kind        string `yaml:"kind"`
	ID          Ref    `yaml:"id"`
	Title       Label  `yaml:"title"`
	Description Label  `yaml:"description"`
	// File is the path of the file the definition was read from.
	File string `yaml:"-"`
}
