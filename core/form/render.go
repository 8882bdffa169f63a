package form

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"vorgang/core/definition"
)

//go:embed templates/*.html
var templateFiles embed.FS

var templates = template.Must(template.New("").ParseFS(templateFiles, "templates/*.html"))

// maxRadios is the most fixed options a select shows as radio buttons; with
// more it is a drop-down list.
const maxRadios = 5

// RenderOptions says how to render a form.
type RenderOptions struct {
	// Lang is the page language: "de" (default) or "en".
	Lang string
	// Values are the data to show: the submission being corrected (the Data
	// of DecodeForm, or what was passed to Validate), or stored data. nil
	// shows the fields' defaults.
	Values map[string]any
	// Errors are the errors of Validate; they are shown at their fields and
	// in a summary at the top.
	Errors []FieldError
	// Action is the form's action URL; empty posts to the page's URL.
	Action string
	// CSRFToken is sent back as _csrf.
	CSRFToken string
	// FormToken identifies this filling of the form, sent back as _token so
	// a second submission of the same form can be recognised.
	FormToken string
	// SubmitLabel replaces the submit button's text (Absenden / Submit).
	SubmitLabel string
	// Choices are the choices of fields whose options are not fixed: select
	// and multiselect fields with a lookup, and user and asset fields,
	// keyed by field path ("owner", "items.product"). A user or asset field
	// without choices is a text input for the id or inventory number; a
	// lookup field without choices offers none.
	Choices map[string][]Choice
	// Files names the attachments that Values refer to (id → file name).
	Files map[string]string
	// Add is the group to show one more empty entry for (Submission.Add).
	Add string
	// IDPrefix is put before every id the form uses, for pages with more
	// than one form.
	IDPrefix string
	// MaxFileSize is the server's limit on one uploaded file, in bytes;
	// the limits stated next to a file field are the smaller of it and the
	// field's max_size. 0: only max_size.
	MaxFileSize int64
}

// Choice is one choice of a lookup, user or asset field.
type Choice struct {
	Value string
	Label definition.Label
}

// Render writes the form as an HTML fragment: a complete <form
// method="post"> that works without JavaScript. docs/forms.md lists the
// conventions (ids, names, ARIA) it follows. Nothing is written when
// rendering fails.
func (c *Compiled) Render(w io.Writer, opts RenderOptions) error {
	v := c.view(opts)
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, "form", v); err != nil {
		return fmt.Errorf("render form %s: %w", c.def.ID.Value, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// vText is a text with its language when it differs from the page's (a
// label without English text on an English page).
type vText struct {
	Text string
	Lang string
}

// HTML returns the text escaped, wrapped in <span lang> when needed.
func (t vText) HTML() template.HTML {
	s := template.HTMLEscapeString(t.Text)
	if t.Lang != "" {
		return template.HTML(`<span lang="` + t.Lang + `">` + s + `</span>`)
	}
	return template.HTML(s)
}

type vForm struct {
	ID, Lang, Action, CSRF, Token string
	Multipart                     bool
	DefaultSubmit                 bool // a hidden first submit button, see form.html
	Description                   vText
	Summary                       *vSummary
	Sections                      []vSection
	Submit                        string
}

type vSummary struct {
	ID, TitleID, Title string
	Items              []vSummaryItem
}

type vSummaryItem struct {
	Href    string
	Message string
}

type vSection struct {
	Plain     bool // the implicit section of a form without sections
	ID        string
	Title     vText
	Help      vText
	HelpID    string
	VisibleIf string
	Fields    []*vField
}

type vField struct {
	Kind         string // input, textarea, select, radios, checkboxes, checkbox, file, group, output
	Path         string // definition path, e.g. items.price
	ID, Name     string
	InputType    string
	Label        vText
	Required     bool
	RequiredIf   string
	VisibleIf    string
	Help         vText
	HelpID       string
	Error        string
	ErrorID      string
	DescribedBy  string
	Value        string
	Checked      bool
	InputMode    string
	Autocomplete string
	Placeholder  string
	Min, Max     string
	Accept       string
	Multiple     bool
	// Limits states a file field's types, size and count; MaxSize and
	// MaxFiles are the same for the browser script.
	Limits   vText
	LimitsID string
	MaxSize  int64
	MaxFiles int
	Unit     vText
	UnitID   string
	ReadOnly bool
	Options  []vOption
	Files    []vFile
	Entries  []vEntry
	CanAdd   bool
	AddLabel string
	Text     *vStrings
}

type vOption struct {
	ID, Value string
	Label     vText
	Selected  bool
}

type vFile struct {
	ID, Value, Label string
}

type vEntry struct {
	ID, Group, Legend string
	Index             int
	Fields            []*vField
	RemoveValue       string
	RemoveLabel       string
}

// vStrings are the fixed texts of the form in the page language.
type vStrings struct {
	Required, Choose, ErrorPrefix string
}

var uiStrings = map[string]*vStrings{
	"de": {Required: "(Pflichtfeld)", Choose: "Bitte wählen", ErrorPrefix: "Fehler:"},
	"en": {Required: "(required)", Choose: "Please choose", ErrorPrefix: "Error:"},
}

// renderer holds the state of one Render call.
type renderer struct {
	c       *Compiled
	opts    RenderOptions
	lang    string
	values  map[string]any
	errs    map[string]string
	targets map[string]string // error path → id the summary links to
	text    *vStrings
	now     time.Time
}

func (c *Compiled) view(opts RenderOptions) *vForm {
	lang := normLang(opts.Lang)
	r := &renderer{
		c: c, opts: opts, lang: lang, text: uiStrings[lang],
		errs: map[string]string{}, targets: map[string]string{},
		values: opts.Values, now: c.now(),
	}
	if r.values == nil {
		r.values = c.defaults()
	}
	// Show sums as they stand (the browser script updates them as the user
	// types); computing on a copy leaves the caller's values alone.
	if cp, ok := canon(r.values); ok {
		r.values = cp.(map[string]any)
		c.computeBuiltin(r.values, nil)
	}
	for _, e := range opts.Errors {
		if _, dup := r.errs[e.Field]; !dup {
			r.errs[e.Field] = e.Message
		}
	}
	v := &vForm{
		ID:     opts.IDPrefix + "form-" + c.def.ID.Value,
		Lang:   lang,
		Action: opts.Action,
		CSRF:   opts.CSRFToken,
		Token:  opts.FormToken,
		Submit: opts.SubmitLabel,
	}
	if v.Submit == "" {
		v.Submit = map[string]string{"de": "Absenden", "en": "Submit"}[lang]
	}
	if !c.def.Description.IsZero() {
		v.Description = r.label(c.def.Description)
	}
	for _, s := range c.sections {
		vs := vSection{Plain: s.def == nil}
		if s.def != nil {
			vs.ID = opts.IDPrefix + "s-" + s.def.ID.Value
			vs.Title = r.label(s.def.Title)
			if !s.def.Help.IsZero() {
				vs.Help, vs.HelpID = r.label(s.def.Help), vs.ID+"-help"
			}
			vs.VisibleIf = condAttr(s.def.VisibleIf)
		}
		for _, f := range s.fields {
			vf := r.field(f, r.values, -1)
			if f.kind.files {
				v.Multipart = true
			}
			if f.isGroup() {
				v.DefaultSubmit = true
				for _, sub := range f.sub {
					if sub.kind.files {
						v.Multipart = true
					}
				}
			}
			vs.Fields = append(vs.Fields, vf)
		}
		v.Sections = append(v.Sections, vs)
	}
	if len(opts.Errors) > 0 {
		sum := &vSummary{ID: opts.IDPrefix + "error-summary", TitleID: opts.IDPrefix + "error-summary-title"}
		sum.Title = map[string]string{"de": "Bitte prüfen Sie Ihre Angaben", "en": "Please check your entries"}[lang]
		for _, e := range opts.Errors {
			item := vSummaryItem{Message: e.Message}
			if id := r.targets[e.Field]; id != "" {
				item.Href = "#" + id
			}
			sum.Items = append(sum.Items, item)
		}
		v.Summary = sum
	}
	return v
}

// defaults returns the data of a fresh form: every field's default.
func (c *Compiled) defaults() map[string]any {
	out := map[string]any{}
	for _, f := range c.fields {
		if f.def.Default != nil {
			if v, ok := canon(f.def.Default); ok {
				out[f.id] = v
			}
		}
	}
	return out
}

func (r *renderer) label(l definition.Label) vText {
	if r.lang == "en" && l.En == "" && l.De != "" {
		return vText{Text: l.De, Lang: "de"}
	}
	return vText{Text: l.In(r.lang)}
}

func condAttr(c *definition.Condition) string {
	if c == nil {
		return ""
	}
	b, err := json.Marshal(conditionJSON(c))
	if err != nil {
		return ""
	}
	return string(b)
}

// htmlID returns the id of the control of an error path: items[2].price →
// f-items-2-price.
func (r *renderer) htmlID(path string) string {
	p := strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(path)
	return r.opts.IDPrefix + "f-" + p
}

// field builds the view of one field. data is the form data (row < 0) or a
// group entry.
func (r *renderer) field(f *field, data map[string]any, row int) *vField {
	path, name := f.id, f.id
	if f.group != nil {
		path = entryPath(f.group.id, row, f.id)
		name = f.group.id + "[" + strconv.Itoa(row) + "][" + f.id + "]"
	}
	d := f.def
	vf := &vField{
		Path:         f.path,
		ID:           r.htmlID(path),
		Name:         name,
		Label:        r.label(d.Label),
		VisibleIf:    condAttr(d.VisibleIf),
		RequiredIf:   condAttr(d.RequiredIf),
		Autocomplete: d.Autocomplete,
		ReadOnly:     d.ReadOnly,
		Text:         r.text,
	}
	if !d.Placeholder.IsZero() {
		vf.Placeholder = d.Placeholder.In(r.lang)
	}
	vf.Required = f.input() && (d.Required || r.requiredNow(f, row))
	target := vf.ID
	var describedBy []string
	if msg, ok := r.errs[path]; ok {
		vf.Error, vf.ErrorID = msg, vf.ID+"-error"
		describedBy = append(describedBy, vf.ErrorID)
	}
	if !d.Help.IsZero() {
		vf.Help, vf.HelpID = r.label(d.Help), vf.ID+"-help"
		describedBy = append(describedBy, vf.HelpID)
	}
	if !d.Unit.IsZero() {
		vf.Unit, vf.UnitID = r.label(d.Unit), vf.ID+"-unit"
		describedBy = append(describedBy, vf.UnitID)
	}
	value, present := data[f.id]
	if !present && d.ReadOnly && d.Default != nil {
		value, _ = canon(d.Default)
	}
	if t := f.kind.render(r, f, vf, value); t != "" {
		target = t
	}
	if vf.LimitsID != "" {
		describedBy = append(describedBy, vf.LimitsID)
	}
	vf.DescribedBy = strings.Join(describedBy, " ")
	r.targets[path] = target
	return vf
}

// Kind.render of the field types: each sets the control (vf.Kind) and its
// value, and returns the id the error summary links to when the first of
// several controls is meant.

// renderInput renders an <input> of a type, with an inputmode if given.
func renderInput(inputType, inputMode string) func(r *renderer, f *field, vf *vField, value any) string {
	return func(_ *renderer, _ *field, vf *vField, value any) string {
		vf.Kind, vf.InputType, vf.InputMode = "input", inputType, inputMode
		vf.Value = valueString(value)
		return ""
	}
}

func renderTextarea(_ *renderer, _ *field, vf *vField, value any) string {
	vf.Kind = "textarea"
	vf.Value = valueString(value)
	return ""
}

// renderNumber renders a text input (type=number would refuse German
// notation) with a numeric keyboard.
func renderNumber(r *renderer, f *field, vf *vField, value any) string {
	d := f.def
	vf.Kind, vf.InputType, vf.InputMode = "input", "text", "decimal"
	if d.Step != nil && *d.Step == float64(int64(*d.Step)) && (d.Min != nil && *d.Min >= 0) {
		vf.InputMode = "numeric"
	}
	vf.Value = r.number(f, value)
	return ""
}

// renderOutput renders a computed value.
func renderOutput(r *renderer, f *field, vf *vField, value any) string {
	vf.Kind = "output"
	vf.Value = r.number(f, value)
	return ""
}

// number writes a number with the field's decimal places in the page's
// notation; anything else as it is.
func (r *renderer) number(f *field, value any) string {
	if n, ok := value.(float64); ok {
		return formatNumber(n, f.dec, r.lang)
	}
	return valueString(value)
}

// renderDate renders a date picker, with its bounds: a day for a date, a
// local date-time for an instant.
func renderDate(r *renderer, f *field, vf *vField, value any) string {
	vf.Kind, vf.InputType = "input", "date"
	vf.Value = valueString(value)
	suffixMin, suffixMax, layout := "", "", dateLayout
	if f.kind.day == dayInstant {
		vf.InputType, suffixMin, suffixMax = "datetime-local", "T00:00", "T23:59"
		if t, err := time.Parse(time.RFC3339, vf.Value); err == nil {
			vf.Value = t.In(r.c.loc).Format(localLayout)
		}
	}
	if f.minDate.set {
		vf.Min = f.minDate.day(r.now).Format(layout) + suffixMin
	}
	if f.maxDate.set {
		vf.Max = f.maxDate.day(r.now).Format(layout) + suffixMax
	}
	return ""
}

// renderChoice renders one choice: radio buttons for a few fixed options,
// else a drop-down list; a user or asset field without choices is a text
// input for the id.
func renderChoice(r *renderer, f *field, vf *vField, value any) string {
	d := f.def
	choices, hasChoices := r.opts.Choices[f.path]
	target := ""
	var opts []vOption
	switch {
	case len(d.Options) > 0:
		opts = r.options(vf.ID, d.Options, value)
	case hasChoices || d.Lookup != nil:
		opts = r.choices(vf.ID, choices, value)
	}
	switch {
	case len(d.Options) > 0 && len(d.Options) <= maxRadios:
		vf.Kind = "radios"
		if len(opts) > 0 {
			target = opts[0].ID
		}
	case len(d.Options) > 0 || hasChoices || d.Lookup != nil:
		vf.Kind = "select"
		for i := range opts {
			opts[i].ID = ""
		}
	default: // user or asset without choices: the id as text
		vf.Kind, vf.InputType = "input", "text"
		vf.Value = valueString(value)
	}
	vf.Options = opts
	return target
}

// renderCheckboxes renders several choices as checkboxes.
func renderCheckboxes(r *renderer, f *field, vf *vField, value any) string {
	vf.Kind = "checkboxes"
	if len(f.def.Options) > 0 {
		vf.Options = r.options(vf.ID, f.def.Options, value)
	} else {
		vf.Options = r.choices(vf.ID, r.opts.Choices[f.path], value)
	}
	if len(vf.Options) > 0 {
		return vf.Options[0].ID
	}
	return ""
}

func renderCheckbox(_ *renderer, _ *field, vf *vField, value any) string {
	vf.Kind = "checkbox"
	vf.Checked = value == true
	return ""
}

// renderFile renders a file input, with a ticked checkbox to keep each file
// already uploaded.
func renderFile(r *renderer, f *field, vf *vField, value any) string {
	vf.Kind = "file"
	vf.Accept = strings.Join(f.def.Accept, ",")
	vf.Multiple = f.maxItems() > 1
	vf.Limits, vf.LimitsID = vText{Text: fileLimits(f, r.opts.MaxFileSize, r.lang)}, vf.ID+"-limits"
	vf.MaxSize, vf.MaxFiles = fileLimit(f.def, r.opts.MaxFileSize), f.maxItems()
	list, _ := value.([]any)
	for i, e := range list {
		id, _ := e.(string)
		if id == "" {
			continue
		}
		fileName := r.opts.Files[id]
		if fileName == "" {
			fileName = id
		}
		label := map[string]string{"de": "%s behalten", "en": "Keep %s"}[r.lang]
		vfile := vFile{ID: vf.ID + "-keep-" + strconv.Itoa(i), Value: id, Label: fmt.Sprintf(label, fileName)}
		vf.Files = append(vf.Files, vfile)
	}
	return ""
}

func renderGroup(r *renderer, f *field, vf *vField, value any) string {
	vf.Kind = "group"
	r.group(vf, f, value)
	return ""
}

// requiredNow evaluates required_if on the values being shown.
func (r *renderer) requiredNow(f *field, row int) bool {
	if f.def.RequiredIf == nil {
		return false
	}
	if f.group != nil {
		return EvalConditionEntry(f.def.RequiredIf, r.values, f.group.id, row)
	}
	return EvalCondition(f.def.RequiredIf, r.values)
}

// selected reports whether option value ov is (one of) value.
func selected(value any, ov string) bool {
	if list, ok := value.([]any); ok {
		for _, e := range list {
			if valueString(e) == ov {
				return true
			}
		}
		return false
	}
	return value != nil && valueString(value) == ov
}

func (r *renderer) options(id string, opts []definition.Option, value any) []vOption {
	out := make([]vOption, len(opts))
	for i, o := range opts {
		ov := valueString(o.Value)
		out[i] = vOption{ID: id + "-" + strconv.Itoa(i), Value: ov, Label: r.label(o.Label), Selected: selected(value, ov)}
	}
	return out
}

func (r *renderer) choices(id string, choices []Choice, value any) []vOption {
	out := make([]vOption, len(choices))
	for i, ch := range choices {
		out[i] = vOption{ID: id + "-" + strconv.Itoa(i), Value: ch.Value, Label: r.label(ch.Label), Selected: selected(value, ch.Value)}
	}
	return out
}

// group builds the entries of a repeating group: the given ones, then empty
// ones — one, two after "add", at least min_items in all, at most
// max_items.
func (r *renderer) group(vf *vField, g *field, value any) {
	list, _ := value.([]any)
	blank := 1
	if r.opts.Add == g.id {
		blank = 2
	}
	n := len(list) + blank
	n = max(n, g.minItems())
	n = min(n, max(g.maxItems(), len(list)))
	entryWord := map[string]string{"de": "Eintrag %d", "en": "Entry %d"}[r.lang]
	removeWord := map[string]string{"de": "Eintrag %d entfernen", "en": "Remove entry %d"}[r.lang]
	for i := 0; i < n; i++ {
		entry := map[string]any{}
		if i < len(list) {
			if m, ok := list[i].(map[string]any); ok {
				entry = m
			}
		}
		ve := vEntry{
			ID:     r.htmlID(g.id + "[" + strconv.Itoa(i) + "]"),
			Group:  g.id,
			Index:  i,
			Legend: fmt.Sprintf(entryWord, i+1),
		}
		r.targets[g.id+"["+strconv.Itoa(i)+"]"] = ve.ID
		if i < len(list) {
			ve.RemoveValue = g.id + "[" + strconv.Itoa(i) + "]"
			ve.RemoveLabel = fmt.Sprintf(removeWord, i+1)
		}
		for _, s := range g.sub {
			ve.Fields = append(ve.Fields, r.field(s, entry, i))
		}
		vf.Entries = append(vf.Entries, ve)
	}
	vf.CanAdd = n < g.maxItems()
	q := map[string]string{"de": "„%s“", "en": "“%s”"}[r.lang]
	add := map[string]string{"de": "Weiteren Eintrag zu %s hinzufügen", "en": "Add another entry to %s"}[r.lang]
	vf.AddLabel = fmt.Sprintf(add, fmt.Sprintf(q, g.def.Label.In(r.lang)))
}
