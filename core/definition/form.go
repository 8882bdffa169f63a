package definition

// Form is a set of fields asked when a ticket is opened or a transition runs.
type Form struct {
	Meta     `yaml:",inline"`
	Layout   string    `yaml:"layout"`
	Fields   []Field   `yaml:"fields"`
	Sections []Section `yaml:"sections"`
	Validate Ref       `yaml:"validate"`
}

// Section groups fields of a form.
type Section struct {
	ID        Ref        `yaml:"id"`
	Title     Label      `yaml:"title"`
	Help      Label      `yaml:"help"`
	VisibleIf *Condition `yaml:"visible_if"`
	Fields    []Field    `yaml:"fields"`
}

// Field is one form field.
type Field struct {
	ID             Ref        `yaml:"id"`
	Type           FieldType  `yaml:"type"`
	Label          Label      `yaml:"label"`
	Help           Label      `yaml:"help"`
	Placeholder    Label      `yaml:"placeholder"`
	Required       bool       `yaml:"required"`
	RequiredIf     *Condition `yaml:"required_if"`
	VisibleIf      *Condition `yaml:"visible_if"`
	ReadOnly       bool       `yaml:"read_only"`
	Default        any        `yaml:"default"`
	Min            *float64   `yaml:"min"`
	Max            *float64   `yaml:"max"`
	Step           *float64   `yaml:"step"`
	Unit           Label      `yaml:"unit"`
	MinLength      *int       `yaml:"min_length"`
	MaxLength      *int       `yaml:"max_length"`
	Pattern        Ref        `yaml:"pattern"`
	PatternMessage Label      `yaml:"pattern_message"`
	MinDate        string     `yaml:"min_date"`
	MaxDate        string     `yaml:"max_date"`
	Options        []Option   `yaml:"options"`
	Lookup         *Lookup    `yaml:"lookup"`
	MinItems       *int       `yaml:"min_items"`
	MaxItems       *int       `yaml:"max_items"`
	Accept         []string   `yaml:"accept"`
	MaxSize        string     `yaml:"max_size"`
	AssetClass     Ref        `yaml:"asset_class"`
	Role           Ref        `yaml:"role"`
	Team           Ref        `yaml:"team"`
	Fields         []Field    `yaml:"fields"`
	Compute        *Compute   `yaml:"compute"`
	Autocomplete   string     `yaml:"autocomplete"`
	Personal       bool       `yaml:"personal"`
	// PersonalCategory says what kind of personal data the field holds
	// (see PersonalCategories); a category makes the field personal.
	PersonalCategory string `yaml:"personal_category"`
	Public           *bool  `yaml:"public"`
}

// Option is a fixed choice of a select field.
type Option struct {
	Value any   `yaml:"value"`
	Label Label `yaml:"label"`
}

// Lookup reads a select field's choices from stored data.
type Lookup struct {
	Source     string         `yaml:"source"`
	AssetClass Ref            `yaml:"asset_class"`
	Process    Ref            `yaml:"process"`
	Filter     map[string]any `yaml:"filter"`
}

// Compute derives a read-only field's value.
type Compute struct {
	Sum        Ref   `yaml:"sum"`
	SumProduct []Ref `yaml:"sum_product"`
	Script     Ref   `yaml:"script"`
}

// AllFields returns the top-level fields, whether or not sections are used.
func (f *Form) AllFields() []Field {
	if len(f.Sections) == 0 {
		return f.Fields
	}
	var out []Field
	for _, s := range f.Sections {
		out = append(out, s.Fields...)
	}
	return out
}

// Field returns the top-level field with the given id, or nil.
func (f *Form) Field(id string) *Field {
	for _, fl := range f.AllFields() {
		if fl.ID.Value == id {
			fl := fl
			return &fl
		}
	}
	return nil
}

// PersonalCategories are the kinds of personal data a field may declare
// (personal_category): what a record of processing activities lists.
// "health" is a special category under Art. 9 GDPR.
var PersonalCategories = []string{"contact", "identity", "address", "health", "financial", "location", "other"}

// IsPersonal reports whether the field holds personal data: personal:
// true or a personal_category. Retention, data-subject requests and the
// logs go by it.
func (f *Field) IsPersonal() bool { return f.Personal || f.PersonalCategory != "" }
