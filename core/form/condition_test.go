package form_test

import (
	"encoding/json"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// conditionCase is one case of testdata/conditions.json, the table the
// browser script is tested against as well.
type conditionCase struct {
	Name      string          `json:"name"`
	Condition json.RawMessage `json:"condition"`
	Data      map[string]any  `json:"data"`
	Entry     *struct {
		Group string `json:"group"`
		Index int    `json:"index"`
	} `json:"entry"`
	Want bool `json:"want"`
}

func loadConditionCases(t *testing.T) []conditionCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/conditions.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []conditionCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("conditions.json: %v", err)
	}
	if len(doc.Cases) < 50 {
		t.Fatalf("conditions.json has only %d cases", len(doc.Cases))
	}
	return doc.Cases
}

// decodeCondition reads a condition the way the loader does: JSON is YAML,
// and definition.Condition's UnmarshalYAML records its operators.
func decodeCondition(t *testing.T, raw []byte) *definition.Condition {
	t.Helper()
	var c definition.Condition
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("condition %s: %v", raw, err)
	}
	return &c
}

func TestEvalConditionTable(t *testing.T) {
	names := map[string]bool{}
	for _, tc := range loadConditionCases(t) {
		if names[tc.Name] {
			t.Errorf("duplicate case name %q", tc.Name)
		}
		names[tc.Name] = true
		t.Run(tc.Name, func(t *testing.T) {
			c := decodeCondition(t, tc.Condition)
			eval := func(c *definition.Condition) bool {
				if tc.Entry != nil {
					return form.EvalConditionEntry(c, tc.Data, tc.Entry.Group, tc.Entry.Index)
				}
				return form.EvalCondition(c, tc.Data)
			}
			if got := eval(c); got != tc.Want {
				t.Errorf("condition %s on %s = %v, want %v", tc.Condition, dump(tc.Data), got, tc.Want)
			}
			// not: negates every case exactly, which is also what makes
			// not_equals, not_in and empty: true the negations of equals,
			// in and empty: false.
			if got := eval(&definition.Condition{Not: c, Ops: []string{"not"}}); got != !tc.Want {
				t.Errorf("not %s = %v, want %v", tc.Condition, got, !tc.Want)
			}
		})
	}
}

// The negative operators are the negations of the positive ones on every
// data set of the table, groups included.
func TestEvalConditionNegativeOperators(t *testing.T) {
	pairs := []struct{ pos, neg string }{
		{`{field: F, equals: V}`, `{field: F, not_equals: V}`},
		{`{field: F, in: [V, "zz"]}`, `{field: F, not_in: [V, "zz"]}`},
		{`{field: F, empty: false}`, `{field: F, empty: true}`},
	}
	fields := []string{"category", "n", "tags", "items.kind", "items.price", "x", "b"}
	values := []string{`"x"`, `5`, `"a"`, `true`, `null`}
	cases := loadConditionCases(t)
	for _, f := range fields {
		for _, v := range values {
			for _, p := range pairs {
				pos := decodeCondition(t, []byte(replaceFV(p.pos, f, v)))
				neg := decodeCondition(t, []byte(replaceFV(p.neg, f, v)))
				for _, tc := range cases {
					if form.EvalCondition(pos, tc.Data) == form.EvalCondition(neg, tc.Data) {
						t.Errorf("%s and %s agree on %s", replaceFV(p.pos, f, v), replaceFV(p.neg, f, v), dump(tc.Data))
					}
				}
			}
		}
	}
}

func replaceFV(s, f, v string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'F':
			out = append(out, f...)
		case 'V':
			out = append(out, v...)
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

func TestEvalConditionNil(t *testing.T) {
	if !form.EvalCondition(nil, nil) {
		t.Error("a nil condition must hold")
	}
	if !form.EvalConditionEntry(nil, map[string]any{}, "items", 0) {
		t.Error("a nil condition must hold in an entry")
	}
}

// Go callers may pass Go numbers; they count as numbers.
func TestEvalConditionGoNumbers(t *testing.T) {
	c := decodeCondition(t, []byte(`{field: n, gte: 1000}`))
	for _, v := range []any{1000, int64(1000), float32(1000), uint8(200) + 0, json.Number("1000.5")} {
		want := v != uint8(200)
		if got := form.EvalCondition(c, map[string]any{"n": v}); got != want {
			t.Errorf("gte 1000 on %T(%v) = %v, want %v", v, v, got, want)
		}
	}
}
