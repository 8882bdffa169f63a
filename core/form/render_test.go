package form_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// page is a rendered form, parsed the way a browser parses it.
type page struct {
	t    *testing.T
	root *html.Node
	form *html.Node
	ids  map[string]*html.Node
	src  string
}

func render(t *testing.T, c *form.Compiled, opts form.RenderOptions) *page {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(&buf, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	root, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p := &page{t: t, root: root, ids: map[string]*html.Node{}, src: buf.String()}
	forms := p.all(root, func(n *html.Node) bool { return n.Data == "form" })
	if len(forms) != 1 {
		t.Fatalf("%d forms", len(forms))
	}
	p.form = forms[0]
	for _, n := range p.all(root, func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
		id, _ := attr(n, "id")
		if id == "" {
			t.Errorf("empty id on <%s>", n.Data)
		}
		if p.ids[id] != nil {
			t.Errorf("duplicate id %q", id)
		}
		p.ids[id] = n
	}
	return p
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func has(n *html.Node, key string) bool { _, ok := attr(n, key); return ok }

func (p *page) all(root *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

func (p *page) tag(name string) []*html.Node {
	return p.all(p.root, func(n *html.Node) bool { return n.Data == name })
}

func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func ancestor(n *html.Node, tag string) *html.Node {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type == html.ElementNode && a.Data == tag {
			return a
		}
	}
	return nil
}

// controls are the elements a user fills in.
func (p *page) controls() []*html.Node {
	return p.all(p.form, func(n *html.Node) bool {
		switch n.Data {
		case "select", "textarea", "output":
			return true
		case "input":
			typ, _ := attr(n, "type")
			return typ != "hidden" && typ != "submit" && typ != "button"
		}
		return false
	})
}

// labelOf returns the <label for> of a control.
func (p *page) labelOf(id string) []*html.Node {
	return p.all(p.form, func(n *html.Node) bool {
		f, ok := attr(n, "for")
		return n.Data == "label" && ok && f == id
	})
}

// checkAccessible checks the rules every generated form follows.
func (p *page) checkAccessible(lang string, errs []form.FieldError) {
	t := p.t
	t.Helper()
	marker := map[string]string{"de": "(Pflichtfeld)", "en": "(required)"}[lang]
	if m, _ := attr(p.form, "method"); m != "post" || !has(p.form, "novalidate") {
		t.Errorf("form method=%q novalidate=%v", m, has(p.form, "novalidate"))
	}
	if l, _ := attr(p.form, "lang"); l != lang {
		t.Errorf("form lang = %q, want %q", l, lang)
	}
	// Every control has an id and exactly one label with text.
	for _, n := range p.controls() {
		id, _ := attr(n, "id")
		labels := p.labelOf(id)
		if id == "" || len(labels) != 1 || text(labels[0]) == "" {
			t.Errorf("<%s id=%q name=%q> has %d labels", n.Data, id, attrOr(n, "name"), len(labels))
		}
		// Required in text and in markup; radios carry it on their group.
		if has(n, "required") {
			typ, _ := attr(n, "type")
			if typ == "radio" {
				fs := ancestor(n, "fieldset")
				if r, _ := attr(fs, "role"); r != "radiogroup" || attrOr(fs, "aria-required") != "true" {
					t.Errorf("required radio %s: group role=%q aria-required=%q", id, r, attrOr(fs, "aria-required"))
				}
				if !strings.Contains(text(legendOf(fs)), marker) {
					t.Errorf("required radio group %s: legend %q lacks %q", attrOr(fs, "id"), text(legendOf(fs)), marker)
				}
			} else {
				if attrOr(n, "aria-required") != "true" {
					t.Errorf("required %s without aria-required", id)
				}
				if len(labels) == 1 && !strings.Contains(text(labels[0]), marker) {
					t.Errorf("required %s: label %q lacks %q", id, text(labels[0]), marker)
				}
			}
		}
	}
	// References between elements resolve.
	for _, key := range []string{"aria-describedby", "aria-labelledby", "for"} {
		for _, n := range p.all(p.root, func(n *html.Node) bool { return has(n, key) }) {
			v, _ := attr(n, key)
			for _, id := range strings.Fields(v) {
				if p.ids[id] == nil {
					t.Errorf("<%s %s=%q>: no element %q", n.Data, key, v, id)
				}
			}
		}
	}
	// Fieldsets are named by a legend, their first child element.
	for _, fs := range p.tag("fieldset") {
		if lg := legendOf(fs); lg == nil || text(lg) == "" {
			t.Errorf("fieldset %q without a legend first", attrOr(fs, "id"))
		}
	}
	// Radio buttons and checkboxes sharing a name are grouped in a fieldset.
	byName := map[string][]*html.Node{}
	for _, n := range p.all(p.form, func(n *html.Node) bool {
		typ, _ := attr(n, "type")
		return n.Data == "input" && (typ == "radio" || typ == "checkbox")
	}) {
		byName[attrOr(n, "name")] = append(byName[attrOr(n, "name")], n)
	}
	for name, list := range byName {
		if len(list) > 1 && !strings.Contains(name, "keep") {
			for _, n := range list {
				if ancestor(n, "fieldset") == nil {
					t.Errorf("%s: %d controls, not in a fieldset", name, len(list))
				}
			}
		}
	}
	// Buttons say what they do.
	for _, b := range p.tag("button") {
		if text(b) == "" {
			t.Errorf("button without text: %v", b.Attr)
		}
	}
	// data-visible-if and data-required-if hold conditions.
	for _, key := range []string{"data-visible-if", "data-required-if"} {
		for _, n := range p.all(p.root, func(n *html.Node) bool { return has(n, key) }) {
			v, _ := attr(n, key)
			var c definition.Condition
			if err := yaml.Unmarshal([]byte(v), &c); err != nil || len(c.Ops) != 1 || !json.Valid([]byte(v)) {
				t.Errorf("%s=%q is not a condition: %v", key, v, err)
			}
		}
	}
	// The error summary: at the top, announced, linking to each field.
	summaries := p.all(p.form, func(n *html.Node) bool { return attrOr(n, "role") == "alert" })
	if len(errs) == 0 {
		if len(summaries) != 0 {
			t.Error("error summary without errors")
		}
		if p.all(p.form, func(n *html.Node) bool { return has(n, "aria-invalid") }) != nil {
			t.Error("aria-invalid without errors")
		}
		return
	}
	if len(summaries) != 1 {
		t.Fatalf("%d error summaries", len(summaries))
	}
	sum := summaries[0]
	if first := firstElement(p.form); first != sum {
		t.Error("the error summary is not the first thing in the form")
	}
	if attrOr(sum, "tabindex") != "-1" || !has(sum, "autofocus") {
		t.Error("the error summary does not take the focus")
	}
	if hs := p.all(sum, func(n *html.Node) bool { return n.Data == "h2" }); len(hs) != 1 || text(hs[0]) == "" || attrOr(sum, "aria-labelledby") != attrOr(hs[0], "id") {
		t.Error("error summary without its heading")
	}
	items := p.all(sum, func(n *html.Node) bool { return n.Data == "li" })
	if len(items) != len(errs) {
		t.Errorf("summary lists %d errors, want %d", len(items), len(errs))
	}
	for i, li := range items {
		if i >= len(errs) {
			break
		}
		e := errs[i]
		if text(li) != e.Message {
			t.Errorf("summary item %d = %q, want %q", i, text(li), e.Message)
		}
		links := p.all(li, func(n *html.Node) bool { return n.Data == "a" })
		if len(links) == 0 {
			if e.Field != "" && !strings.Contains(e.Code, "unknown") {
				t.Errorf("no link for the error of %s", e.Field)
			}
			continue
		}
		href, _ := attr(links[0], "href")
		target := p.ids[strings.TrimPrefix(href, "#")]
		if !strings.HasPrefix(href, "#") || target == nil {
			t.Errorf("summary link %q does not resolve", href)
			continue
		}
		if target.Data == "fieldset" {
			if attrOr(target, "tabindex") != "-1" {
				t.Errorf("link target fieldset %s cannot take focus", href)
			}
			continue
		}
		// The field is marked invalid and described by its error text.
		if attrOr(target, "aria-invalid") != "true" {
			t.Errorf("%s (%s): no aria-invalid", href, e.Field)
		}
		described := attrOr(target, "aria-describedby")
		if typ, _ := attr(target, "type"); typ == "radio" || typ == "checkbox" && ancestor(target, "fieldset") != nil && has(ancestor(target, "fieldset"), "data-field") {
			described = attrOr(ancestor(target, "fieldset"), "aria-describedby")
		}
		found := false
		for _, id := range strings.Fields(described) {
			if n := p.ids[id]; n != nil && strings.Contains(text(n), e.Message) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s (%s): error text not in aria-describedby %q", href, e.Field, described)
		}
	}
}

func attrOr(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	v, _ := attr(n, key)
	return v
}

func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

func legendOf(fs *html.Node) *html.Node {
	if fs == nil {
		return nil
	}
	if first := firstElement(fs); first != nil && first.Data == "legend" {
		return first
	}
	return nil
}

// TestRenderAccessible renders every shipped form and the fixture, fresh and
// with errors, in German and English, and checks the rules.
func TestRenderAccessible(t *testing.T) {
	submissions := map[string]map[string]any{
		"it-incident":   {"summary": "x", "phone": "ruf an", "colour": "red"},
		"it-resolution": {"effort_minutes": 7.0},
		"test-order": {
			"kind": "services", "hours": 0.25, "tags": []any{"it", "office", "furniture"}, "delivery_date": "2026-05-05",
			"items": []any{map[string]any{"article": "", "quantity": 2.0, "price": 600.0, "used": true}, map[string]any{"article": "Tisch"}},
		},
	}
	for _, id := range []string{"it-incident", "it-resolution", "test-order"} {
		c := compileForm(t, id, testConfig())
		_, errs := c.Validate(submissions[id], "de")
		if len(errs) < 2 {
			t.Fatalf("%s: want several errors, got %v", id, errs)
		}
		for _, lang := range []string{"de", "en"} {
			_, errs := c.Validate(submissions[id], lang)
			t.Run(id+"/"+lang+"/fresh", func(t *testing.T) {
				render(t, c, form.RenderOptions{Lang: lang}).checkAccessible(lang, nil)
			})
			t.Run(id+"/"+lang+"/errors", func(t *testing.T) {
				p := render(t, c, form.RenderOptions{Lang: lang, Values: submissions[id], Errors: errs})
				p.checkAccessible(lang, errs)
			})
		}
	}
}

func TestRenderIncident(t *testing.T) {
	c := compileForm(t, "it-incident", testConfig())
	t.Run("German by default", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{})
		if l, _ := attr(p.form, "lang"); l != "de" {
			t.Errorf("lang = %q", l)
		}
		if b := p.tag("button"); len(b) != 1 || text(b[0]) != "Absenden" {
			t.Errorf("buttons = %d", len(b))
		}
		if got := text(p.labelOf("f-summary")[0]); got != "Kurzbeschreibung (Pflichtfeld)" {
			t.Errorf("label = %q", got)
		}
		if enc := attrOr(p.form, "enctype"); enc != "multipart/form-data" {
			t.Errorf("enctype = %q (the form has a file field)", enc)
		}
	})
	t.Run("sections", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{})
		var titles []string
		for _, fs := range p.all(p.form, func(n *html.Node) bool { return attrOr(n, "class") == "vg-section" }) {
			h := p.all(legendOf(fs), func(n *html.Node) bool { return n.Data == "h2" })
			if len(h) != 1 {
				t.Errorf("section %s: legend without heading", attrOr(fs, "id"))
				continue
			}
			titles = append(titles, text(h[0]))
		}
		if want := []string{"Was ist passiert?", "Auswirkung", "Erreichbarkeit"}; !reflect.DeepEqual(titles, want) {
			t.Errorf("sections = %q", titles)
		}
	})
	t.Run("controls", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{Lang: "en"})
		want := map[string]map[string]string{
			"f-summary":        {"type": "text", "aria-describedby": "f-summary-help", "required": ""},
			"f-description":    {"aria-describedby": "f-description-help"},
			"f-category":       {"name": "category", "required": ""},
			"f-impact-0":       {"type": "radio", "name": "impact", "value": "single", "required": ""},
			"f-phone":          {"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
			"f-screenshot":     {"type": "file", "accept": "image/png,image/jpeg,application/pdf", "multiple": ""},
			"f-affected_asset": {"type": "text", "name": "affected_asset"},
		}
		for id, attrs := range want {
			n := p.ids[id]
			if n == nil {
				t.Errorf("no element %s", id)
				continue
			}
			for k, v := range attrs {
				if got, ok := attr(n, k); !ok || got != v {
					t.Errorf("%s %s = %q, want %q", id, k, got, v)
				}
			}
		}
		if n := p.ids["f-category"]; n.Data != "select" {
			t.Errorf("six options: %s, want a select", n.Data)
		}
		if fs := p.ids["f-impact"]; fs.Data != "fieldset" || attrOr(fs, "role") != "radiogroup" {
			t.Errorf("three options: %s, want a radio group", fs.Data)
		}
	})
	t.Run("German fallback marked in English", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{Lang: "en"})
		label := p.labelOf("f-location-0")[0] // "Rathaus, Markt 1" has no English text
		spans := p.all(label, func(n *html.Node) bool { return attrOr(n, "lang") == "de" })
		if len(spans) != 1 || text(spans[0]) != "Rathaus, Markt 1" {
			t.Errorf("label %q: no lang=de span", text(label))
		}
		if other := p.labelOf("f-location-3")[0]; len(p.all(other, func(n *html.Node) bool { return has(n, "lang") })) != 0 {
			t.Errorf("translated label %q marked as German", text(other))
		}
		if text(p.labelOf("f-location-3")[0]) != "North branch office" {
			t.Errorf("label = %q", text(p.labelOf("f-location-3")[0]))
		}
		// In German nothing is marked.
		de := render(t, c, form.RenderOptions{Lang: "de"})
		if n := de.all(de.form, func(n *html.Node) bool { return attrOr(n, "lang") == "de" && n != de.form }); len(n) != 0 {
			t.Errorf("%d lang=de elements on a German page", len(n))
		}
	})
	t.Run("conditions for the browser", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{})
		field := p.ids["f-application"].Parent
		var got map[string]any
		if err := json.Unmarshal([]byte(attrOr(field, "data-visible-if")), &got); err != nil {
			t.Fatal(err)
		}
		if want := map[string]any{"field": "category", "equals": "software"}; !reflect.DeepEqual(got, want) {
			t.Errorf("data-visible-if = %v", got)
		}
		asset := p.ids["f-affected_asset"].Parent
		if v := attrOr(asset, "data-visible-if"); v != `{"field":"affected_asset","in":["workstation","printer"]}` && !strings.Contains(v, `"in":["workstation","printer"]`) {
			t.Errorf("data-visible-if = %s", v)
		}
		// Without JavaScript every field shows.
		for _, n := range p.all(p.form, func(n *html.Node) bool { return has(n, "data-visible-if") }) {
			if has(n, "hidden") {
				t.Errorf("%s hidden on the server", attrOr(n, "data-field"))
			}
		}
	})
	t.Run("values and errors", func(t *testing.T) {
		values := map[string]any{"summary": "Drucker", "category": "software", "impact": "some", "phone": "ruf an", "screenshot": []any{"att-1"}}
		_, errs := c.Validate(values, "de")
		p := render(t, c, form.RenderOptions{Values: values, Errors: errs, Files: map[string]string{"att-1": "fehler.png"}, CSRFToken: "csrf-1", FormToken: "tok-1", Action: "/tickets/new"})
		if got := attrOr(p.ids["f-summary"], "value"); got != "Drucker" {
			t.Errorf("summary value = %q", got)
		}
		if !has(p.ids["f-impact-1"], "checked") || has(p.ids["f-impact-0"], "checked") {
			t.Error("impact radio not checked")
		}
		sel := p.all(p.ids["f-category"], func(n *html.Node) bool { return n.Data == "option" && has(n, "selected") })
		if len(sel) != 1 || attrOr(sel[0], "value") != "software" {
			t.Error("category option not selected")
		}
		if got := text(p.ids["f-phone-error"]); got != "Fehler: „Telefon für Rückfragen“: Nur Ziffern, Leerzeichen und + ( ) / -" {
			t.Errorf("phone error = %q", got)
		}
		if got := attrOr(p.ids["f-phone"], "aria-describedby"); got != "f-phone-error" {
			t.Errorf("phone aria-describedby = %q", got)
		}
		if got := attrOr(p.ids["f-application"], "aria-describedby"); got != "f-application-error" {
			t.Errorf("application aria-describedby = %q (required_if holds)", got)
		}
		if !has(p.ids["f-application"], "required") {
			t.Error("application not required although category is software")
		}
		keep := p.ids["f-screenshot-keep-0"]
		if keep == nil || attrOr(keep, "name") != "screenshot" || attrOr(keep, "value") != "att-1" || !has(keep, "checked") || text(p.labelOf("f-screenshot-keep-0")[0]) != "fehler.png behalten" {
			t.Errorf("uploaded file not offered to keep: %v", keep)
		}
		hidden := map[string]string{}
		for _, n := range p.all(p.form, func(n *html.Node) bool { return attrOr(n, "type") == "hidden" }) {
			hidden[attrOr(n, "name")] = attrOr(n, "value")
		}
		if !reflect.DeepEqual(hidden, map[string]string{"_csrf": "csrf-1", "_token": "tok-1"}) {
			t.Errorf("hidden inputs = %v", hidden)
		}
		if attrOr(p.form, "action") != "/tickets/new" {
			t.Errorf("action = %q", attrOr(p.form, "action"))
		}
		// An error at a radio group links to its first radio button.
		links := p.all(p.form, func(n *html.Node) bool { return n.Data == "a" })
		var hrefs []string
		for _, a := range links {
			hrefs = append(hrefs, attrOr(a, "href"))
		}
		if want := []string{"#f-application", "#f-urgency-0", "#f-location-0", "#f-phone"}; !reflect.DeepEqual(hrefs, want) {
			t.Errorf("summary links = %v, want %v", hrefs, want)
		}
	})
	t.Run("id prefix", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{IDPrefix: "a-", Errors: []form.FieldError{{Field: "summary", Code: "required", Message: "x"}}})
		if p.ids["a-f-summary"] == nil || p.ids["f-summary"] != nil || attrOr(p.all(p.form, func(n *html.Node) bool { return n.Data == "a" })[0], "href") != "#a-f-summary" {
			t.Error("IDPrefix not applied")
		}
	})
}

func TestRenderOrder(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	values := map[string]any{
		"name": "Erika", "kind": "goods", "priority": 3.0, "tags": []any{"it", "office"}, "consent": true,
		"pickup_at": "2026-12-24T09:30:00Z", "delivery_date": "2026-06-01",
		"items": []any{
			map[string]any{"article": "Stuhl", "quantity": 3.0, "price": 19.99},
			map[string]any{"article": "Tisch", "quantity": 2.0, "price": 500.0, "used": true},
		},
	}
	t.Run("numbers, units and totals", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{Values: values})
		checks := map[string]map[string]string{
			"f-items-0-quantity": {"value": "3", "inputmode": "numeric"},
			"f-items-0-price":    {"value": "19,99", "inputmode": "decimal", "aria-describedby": "f-items-0-price-unit"},
			"f-items-1-price":    {"value": "500,00"},
			"f-pickup_at":        {"type": "datetime-local", "value": "2026-12-24T10:30"},
			"f-delivery_date":    {"type": "date", "value": "2026-06-01", "min": "2026-05-06", "max": "2030-12-31"},
			"f-name":             {"autocomplete": "name"},
			"f-email":            {"type": "email", "autocomplete": "email"},
			"f-quote":            {"accept": "application/pdf", "multiple": ""},
			"f-version":          {"value": "2", "readonly": ""},
		}
		for id, attrs := range checks {
			for k, v := range attrs {
				if got, ok := attr(p.ids[id], k); !ok || got != v {
					t.Errorf("%s %s = %q, want %q", id, k, got, v)
				}
			}
		}
		if got := text(p.ids["f-items-0-price-unit"]); got != "EUR" {
			t.Errorf("unit = %q", got)
		}
		outputs := map[string]string{"f-items-0-net": "59,97", "f-items-1-net": "1000,00", "f-total": "1059,97"}
		for id, want := range outputs {
			if n := p.ids[id]; n == nil || n.Data != "output" || text(n) != want {
				t.Errorf("%s = %v %q, want <output> %q", id, n, text(n), want)
			}
		}
		en := render(t, c, form.RenderOptions{Values: values, Lang: "en"})
		if got := text(en.ids["f-total"]); got != "1059.97" {
			t.Errorf("English total = %q", got)
		}
		// required_if holds (total ≥ 1000): marked in text and markup.
		j := p.ids["f-justification"]
		if !has(j, "required") || strings.Contains(p.src, `data-required-marker hidden>(Pflichtfeld)</span></label>
<p class="vg-help" id="f-justification-help"`) {
			t.Error("justification not marked required")
		}
		fresh := render(t, c, form.RenderOptions{})
		if has(fresh.ids["f-justification"], "required") {
			t.Error("justification required on an empty form")
		}
	})
	t.Run("repeating group", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{Values: values})
		group := p.ids["f-items"]
		if group.Data != "fieldset" || text(legendOf(group)) != "Positionen (Pflichtfeld)" {
			t.Errorf("group = <%s> %q", group.Data, text(legendOf(group)))
		}
		entries := p.all(group, func(n *html.Node) bool { return attrOr(n, "class") == "vg-entry" })
		if len(entries) != 3 { // two entries and an empty one
			t.Fatalf("%d entries", len(entries))
		}
		for i, e := range entries {
			if e.Data != "fieldset" || text(legendOf(e)) != "Eintrag "+string(rune('1'+i)) {
				t.Errorf("entry %d: <%s> %q", i, e.Data, text(legendOf(e)))
			}
		}
		if n := attrOr(p.ids["f-items-1-article"], "name"); n != "items[1][article]" {
			t.Errorf("name = %q", n)
		}
		if !has(p.ids["f-items-1-used"], "checked") || has(p.ids["f-items-0-used"], "checked") {
			t.Error("entry checkboxes")
		}
		var buttons []string
		for _, b := range p.all(group, func(n *html.Node) bool { return n.Data == "button" }) {
			buttons = append(buttons, attrOr(b, "name")+"="+attrOr(b, "value")+" "+text(b))
		}
		want := []string{"_remove=items[0] Eintrag 1 entfernen", "_remove=items[1] Eintrag 2 entfernen", "_add=items Weiteren Eintrag zu „Positionen“ hinzufügen"}
		if !reflect.DeepEqual(buttons, want) {
			t.Errorf("buttons = %q", buttons)
		}
		// Enter in a text field must save, not remove entry 1: the first
		// submit button of the form is a plain one.
		first := p.all(p.form, func(n *html.Node) bool { return n.Data == "button" })[0]
		if has(first, "name") || attrOr(first, "type") != "submit" {
			t.Errorf("first button = %v", first.Attr)
		}
		// After "add": two empty entries; never more than max_items.
		added := render(t, c, form.RenderOptions{Values: values, Add: "items"})
		if n := len(added.all(added.ids["f-items"], func(n *html.Node) bool { return attrOr(n, "class") == "vg-entry" })); n != 4 {
			t.Errorf("after add: %d entries", n)
		}
		full := map[string]any{"items": []any{}}
		for range 5 {
			full["items"] = append(full["items"].([]any), map[string]any{"article": "A"})
		}
		fp := render(t, c, form.RenderOptions{Values: full, Add: "items"})
		if n := len(fp.all(fp.ids["f-items"], func(n *html.Node) bool { return attrOr(n, "class") == "vg-entry" })); n != 5 {
			t.Errorf("at max_items: %d entries", n)
		}
		if strings.Contains(fp.src, `name="_add"`) {
			t.Error("add button at max_items")
		}
		// Conditions inside entries are scoped to the entry.
		cond := p.ids["f-items-1-condition"].Parent
		if attrOr(cond, "data-visible-if") != `{"equals":true,"field":"items.used"}` || attrOr(p.ids["f-items-1"], "data-index") != "1" || attrOr(p.ids["f-items-1"], "data-group") != "items" {
			t.Errorf("entry condition: %v", cond.Attr)
		}
		if !has(p.ids["f-items-1-condition"], "required") || has(p.ids["f-items-0-condition"], "required") {
			t.Error("required_if inside entries")
		}
	})
	t.Run("choices", func(t *testing.T) {
		p := render(t, c, form.RenderOptions{Lang: "en", Values: map[string]any{"team": "it-2nd-level", "approver": "u2"}, Choices: map[string][]form.Choice{
			"team":     {{Value: "it-1st-level", Label: definition.Label{De: "1st Level"}}, {Value: "it-2nd-level", Label: definition.Label{De: "2nd Level", En: "Second level"}}},
			"approver": {{Value: "u1", Label: definition.Label{De: "Erika"}}, {Value: "u2", Label: definition.Label{De: "Max"}}},
		}})
		for id, want := range map[string]string{"f-team": "it-2nd-level", "f-approver": "u2"} {
			sel := p.ids[id]
			if sel == nil || sel.Data != "select" {
				t.Fatalf("%s is not a select", id)
			}
			opts := p.all(sel, func(n *html.Node) bool { return n.Data == "option" && has(n, "selected") })
			if len(opts) != 1 || attrOr(opts[0], "value") != want {
				t.Errorf("%s: selected %v", id, opts)
			}
		}
		opts := p.all(p.ids["f-team"], func(n *html.Node) bool { return n.Data == "option" })
		if attrOr(opts[1], "lang") != "de" || has(opts[2], "lang") || text(opts[2]) != "Second level" || text(opts[0]) != "Please choose" {
			t.Errorf("options: %q %v", text(opts[1]), opts[1].Attr)
		}
	})
}

// What the browser sends back from a rendered form decodes to the values it
// was rendered with: names, values and notations agree.
func TestRenderRoundTrip(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	values := validOrder()
	values["priority"] = 4.0
	values["tags"] = []any{"office", "furniture"}
	values["phone"] = "+49 351 123"
	values["justification"] = "Zeile 1\nZeile 2"
	values["urgent"] = true
	values["urgent_reason"] = "Umzug"
	values["delivery_date"] = "2026-06-01"
	values["pickup_at"] = "2026-06-01T07:15:00+02:00"
	values["quote"] = []any{"att-7"}
	values["device"] = "IT-000042"
	values["items"] = []any{
		map[string]any{"article": "Stuhl", "quantity": 1234.0, "price": 1234.5},
		map[string]any{"article": "Lampe", "quantity": 2.0, "price": 0.07, "used": true, "condition": "gut"},
	}
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			p := render(t, c, form.RenderOptions{Lang: lang, Values: values, CSRFToken: "x"})
			posted := p.serialize()
			sub := c.DecodeForm(posted, lang)
			if !sub.Save() {
				t.Errorf("plain submit decoded as %+v", sub)
			}
			if !reflect.DeepEqual(sub.Data, values) {
				t.Errorf("posted %v\ndecoded\n%s\nwant\n%s", posted, dump(sub.Data), dump(values))
			}
		})
	}
}

// serialize collects the form's successful controls as a browser submits
// them with its plain submit button.
func (p *page) serialize() url.Values {
	out := url.Values{}
	for _, n := range p.all(p.form, func(n *html.Node) bool { return has(n, "name") }) {
		name := attrOr(n, "name")
		if has(n, "disabled") {
			continue
		}
		switch n.Data {
		case "input":
			switch attrOr(n, "type") {
			case "checkbox", "radio":
				if has(n, "checked") {
					v, ok := attr(n, "value")
					if !ok {
						v = "on"
					}
					out.Add(name, v)
				}
			case "file", "submit", "button":
			default:
				out.Add(name, attrOr(n, "value"))
			}
		case "textarea":
			var b strings.Builder
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				b.WriteString(c.Data)
			}
			out.Add(name, strings.ReplaceAll(b.String(), "\n", "\r\n"))
		case "select":
			opts := p.all(n, func(o *html.Node) bool { return o.Data == "option" })
			chosen := false
			for _, o := range opts {
				if has(o, "selected") {
					out.Add(name, attrOr(o, "value"))
					chosen = true
				}
			}
			if !chosen && len(opts) > 0 && !has(n, "multiple") {
				out.Add(name, attrOr(opts[0], "value"))
			}
		}
	}
	return out
}
