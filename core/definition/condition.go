package definition

import "gopkg.in/yaml.v3"

// Condition is a declarative test on form data, used for guards and for
// conditional visibility and requiredness. Exactly one of the combinators
// (All, Any, Not) or one Field with one operator is set.
type Condition struct {
	Field     Ref          `yaml:"field"`
	Equals    any          `yaml:"equals"`
	NotEquals any          `yaml:"not_equals"`
	In        []any        `yaml:"in"`
	NotIn     []any        `yaml:"not_in"`
	Empty     *bool        `yaml:"empty"`
	Gt        *float64     `yaml:"gt"`
	Gte       *float64     `yaml:"gte"`
	Lt        *float64     `yaml:"lt"`
	Lte       *float64     `yaml:"lte"`
	All       []*Condition `yaml:"all"`
	Any       []*Condition `yaml:"any"`
	Not       *Condition   `yaml:"not"`

	// Ops lists the operator keys present, in file order; the checker uses it
	// to demand exactly one.
	Ops []string `yaml:"-"`
	Pos Pos      `yaml:"-"`
}

var conditionOps = map[string]bool{
	"equals": true, "not_equals": true, "in": true, "not_in": true, "empty": true,
	"gt": true, "gte": true, "lt": true, "lte": true,
	"all": true, "any": true, "not": true,
}

// UnmarshalYAML decodes the condition and records which operators it uses.
func (c *Condition) UnmarshalYAML(n *yaml.Node) error {
	type plain Condition
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Pos = posOf(n)
	c.Ops = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; conditionOps[k] {
			c.Ops = append(c.Ops, k)
		}
	}
	return nil
}
