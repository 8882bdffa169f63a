package form_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"vorgang/core/form"
)

// validOrder returns a complete, valid submission of the test-order form as
// an API client sends it (decoded JSON).
func validOrder() map[string]any {
	return map[string]any{
		"name":    "Erika Mustermann",
		"email":   "erika@example.org",
		"kind":    "goods",
		"tags":    []any{"it"},
		"items":   []any{map[string]any{"article": "Bürostuhl", "quantity": 3.0, "price": 19.99}},
		"consent": true,
	}
}

func item(i int) func(map[string]any) map[string]any {
	return func(d map[string]any) map[string]any { return d["items"].([]any)[i].(map[string]any) }
}

func TestValidateOrder(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	long := strings.Repeat("x", 101)
	tests := []struct {
		name   string
		change func(d map[string]any)
		want   string // "field:code ..." in form order; empty: valid
		check  func(t *testing.T, clean map[string]any)
	}{
		{name: "valid", check: func(t *testing.T, clean map[string]any) {
			want := map[string]any{
				"name": "Erika Mustermann", "email": "erika@example.org", "kind": "goods",
				"tags": []any{"it"}, "consent": true, "urgent": false, "version": "2",
				"items": []any{map[string]any{"article": "Bürostuhl", "quantity": 3.0, "price": 19.99, "used": false, "net": 59.97}},
				"total": 59.97,
			}
			if !reflect.DeepEqual(clean, want) {
				t.Errorf("clean =\n%s\nwant\n%s", dump(clean), dump(want))
			}
		}},
		// Required and empty.
		{name: "required text missing", change: func(d map[string]any) { delete(d, "name") }, want: "name:required"},
		{name: "blank text is missing", change: func(d map[string]any) { d["name"] = "   " }, want: "name:required"},
		{name: "null is missing", change: func(d map[string]any) { d["name"] = nil }, want: "name:required"},
		{name: "required checkbox unticked", change: func(d map[string]any) { d["consent"] = false }, want: "consent:required"},
		{name: "required checkbox missing", change: func(d map[string]any) { delete(d, "consent") }, want: "consent:required"},
		{name: "required radio missing", change: func(d map[string]any) { d["kind"] = "" }, want: "kind:required"},
		{name: "required group missing", change: func(d map[string]any) { delete(d, "items") }, want: "items:required"},
		{name: "required group empty", change: func(d map[string]any) { d["items"] = []any{} }, want: "items:required"},
		{name: "min_items on an optional multiselect", change: func(d map[string]any) { delete(d, "tags") }, want: "tags:too_few"},
		// Text.
		{name: "text trimmed", change: func(d map[string]any) { d["name"] = "  Erika  " }, check: func(t *testing.T, clean map[string]any) {
			if clean["name"] != "Erika" {
				t.Errorf("name = %q", clean["name"])
			}
		}},
		{name: "too short", change: func(d map[string]any) { d["name"] = "E" }, want: "name:too_short"},
		{name: "too long in an entry", change: func(d map[string]any) { item(0)(d)["article"] = long }, want: "items[0].article:too_long"},
		{name: "default limit on text", change: func(d map[string]any) { d["cost_center"] = strings.Repeat("1", 501) }, want: "cost_center:too_long"},
		{name: "pattern", change: func(d map[string]any) { d["phone"] = "call me" }, want: "phone:pattern"},
		{name: "pattern matches", change: func(d map[string]any) { d["phone"] = "+49 351 123-456" }},
		{name: "invalid email", change: func(d map[string]any) { d["email"] = "erika.example.org" }, want: "email:invalid_email"},
		{name: "text given a number", change: func(d map[string]any) { d["name"] = 5.0 }, want: "name:invalid_type"},
		// Numbers.
		{name: "not a number", change: func(d map[string]any) { item(0)(d)["quantity"] = "drei" }, want: "items[0].quantity:not_a_number"},
		{name: "too small", change: func(d map[string]any) { item(0)(d)["quantity"] = 0.0 }, want: "items[0].quantity:too_small"},
		{name: "too large", change: func(d map[string]any) { item(0)(d)["quantity"] = 1001.0; item(0)(d)["price"] = 0.5 }, want: "items[0].quantity:too_large"},
		{name: "third decimal of an amount", change: func(d map[string]any) { item(0)(d)["price"] = 19.999 }, want: "items[0].price:step_mismatch"},
		{name: "fraction of a whole number", change: func(d map[string]any) { item(0)(d)["quantity"] = 1.5 }, want: "items[0].quantity:step_mismatch"},
		{name: "Go int", change: func(d map[string]any) { item(0)(d)["quantity"] = 2 }},
		{name: "json.Number", change: func(d map[string]any) { item(0)(d)["price"] = json.Number("5.10") }, check: func(t *testing.T, clean map[string]any) {
			if got := item(0)(clean)["price"]; got != 5.1 {
				t.Errorf("price = %#v", got)
			}
		}},
		{name: "NaN", change: func(d map[string]any) { item(0)(d)["price"] = math.NaN() }, want: "items[0].price:invalid_type"},
		{name: "infinity", change: func(d map[string]any) { d["hours"] = math.Inf(1); d["kind"] = "services" }, want: "hours:invalid_type"},
		// Options.
		{name: "not an option", change: func(d map[string]any) { d["kind"] = "food" }, want: "kind:not_an_option"},
		{name: "numeric option as number", change: func(d map[string]any) { d["priority"] = 3.0 }},
		{name: "numeric option as text", change: func(d map[string]any) { d["priority"] = "3" }, check: func(t *testing.T, clean map[string]any) {
			if clean["priority"] != 3.0 {
				t.Errorf("priority = %#v, want the option's number", clean["priority"])
			}
		}},
		{name: "numeric option out of range", change: func(d map[string]any) { d["priority"] = 7.0 }, want: "priority:not_an_option"},
		{name: "multiselect value not an option", change: func(d map[string]any) { d["tags"] = []any{"it", "food"} }, want: "tags:not_an_option"},
		{name: "multiselect too many", change: func(d map[string]any) { d["tags"] = []any{"it", "office", "furniture"} }, want: "tags:too_many"},
		{name: "multiselect duplicate", change: func(d map[string]any) { d["tags"] = []any{"it", "it"} }, want: "tags:duplicate"},
		{name: "multiselect given a string", change: func(d map[string]any) { d["tags"] = "it" }, want: "tags:invalid_type"},
		{name: "checkbox given a string", change: func(d map[string]any) { d["consent"] = "yes" }, want: "consent:invalid_type"},
		// Groups.
		{name: "per-entry errors", change: func(d map[string]any) {
			d["items"] = append(d["items"].([]any), map[string]any{"article": "", "quantity": 0.0, "price": -1.0})
		}, want: "items[1].article:required items[1].quantity:too_small items[1].price:too_small"},
		{name: "too many entries", change: func(d map[string]any) {
			var list []any
			for range 6 {
				list = append(list, map[string]any{"article": "A", "quantity": 1.0, "price": 1.0})
			}
			d["items"] = list
		}, want: "items:too_many"},
		{name: "entry not an object", change: func(d map[string]any) { d["items"] = []any{"Stuhl"} }, want: "items[0]:invalid_type"},
		{name: "group not a list", change: func(d map[string]any) { d["items"] = "Stuhl" }, want: "items:invalid_type"},
		{name: "Go slice of maps", change: func(d map[string]any) {
			d["items"] = []map[string]any{{"article": "A", "quantity": 2, "price": 0.5}}
		}, check: func(t *testing.T, clean map[string]any) {
			if clean["total"] != 1.0 {
				t.Errorf("total = %v", clean["total"])
			}
		}},
		// Conditions.
		{name: "required_if on a computed total", change: func(d map[string]any) {
			d["items"] = []any{map[string]any{"article": "Notebook", "quantity": 1.0, "price": 1000.0}}
		}, want: "justification:required"},
		{name: "required_if satisfied", change: func(d map[string]any) {
			d["items"] = []any{map[string]any{"article": "Notebook", "quantity": 1.0, "price": 1000.0}}
			d["justification"] = "Ersatz für ein defektes Gerät"
		}},
		{name: "required_if below the bound", change: func(d map[string]any) {
			d["items"] = []any{map[string]any{"article": "Notebook", "quantity": 1.0, "price": 999.99}}
		}},
		{name: "required_if inside an entry", change: func(d map[string]any) { item(0)(d)["used"] = true }, want: "items[0].condition:required"},
		{name: "entry condition is per entry", change: func(d map[string]any) {
			item(0)(d)["used"] = true
			item(0)(d)["condition"] = "gut"
			d["items"] = append(d["items"].([]any), map[string]any{"article": "B", "quantity": 1.0, "price": 1.0, "condition": "neu"})
		}, check: func(t *testing.T, clean map[string]any) {
			if item(0)(clean)["condition"] != "gut" {
				t.Errorf("entry 0 lost its visible condition: %v", item(0)(clean))
			}
			if _, ok := item(1)(clean)["condition"]; ok {
				t.Errorf("entry 1 kept its hidden condition: %v", item(1)(clean))
			}
		}},
		{name: "hidden field dropped", change: func(d map[string]any) { d["urgent_reason"] = "Messe" }, check: func(t *testing.T, clean map[string]any) {
			if _, ok := clean["urgent_reason"]; ok {
				t.Error("urgent_reason kept although urgent is not ticked")
			}
		}},
		{name: "hidden field not checked", change: func(d map[string]any) { d["urgent_reason"] = strings.Repeat("x", 1000) }},
		{name: "visible field required", change: func(d map[string]any) { d["urgent"] = true }, want: "urgent_reason:required"},
		{name: "visible field kept", change: func(d map[string]any) { d["urgent"] = true; d["urgent_reason"] = "Messe" }, check: func(t *testing.T, clean map[string]any) {
			if clean["urgent_reason"] != "Messe" {
				t.Errorf("urgent_reason = %v", clean["urgent_reason"])
			}
		}},
		{name: "hidden section dropped, invalid values too", change: func(d map[string]any) { d["hours"] = "viele"; d["service_start"] = "gestern" }, check: func(t *testing.T, clean map[string]any) {
			if _, ok := clean["hours"]; ok {
				t.Error("hours kept although the services section is hidden")
			}
		}},
		{name: "visible section required", change: func(d map[string]any) { d["kind"] = "services" }, want: "hours:required"},
		{name: "visible section checked", change: func(d map[string]any) { d["kind"] = "services"; d["hours"] = 2.25 }, want: "hours:step_mismatch"},
		{name: "visible section valid", change: func(d map[string]any) { d["kind"] = "services"; d["hours"] = 2.5; d["service_start"] = "2026-05-04" }},
		// Dates (today is 2026-05-04).
		{name: "invalid date", change: func(d map[string]any) { d["delivery_date"] = "2026-02-30" }, want: "delivery_date:invalid_date"},
		{name: "German date via API", change: func(d map[string]any) { d["delivery_date"] = "24.12.2026" }, want: "delivery_date:invalid_date"},
		{name: "date before min_date today+2d", change: func(d map[string]any) { d["delivery_date"] = "2026-05-05" }, want: "delivery_date:too_early"},
		{name: "date on min_date", change: func(d map[string]any) { d["delivery_date"] = "2026-05-06" }},
		{name: "date after fixed max_date", change: func(d map[string]any) { d["delivery_date"] = "2031-01-01" }, want: "delivery_date:too_late"},
		{name: "date after max_date today+1y", change: func(d map[string]any) { d["kind"] = "services"; d["hours"] = 1.0; d["service_start"] = "2027-05-05" }, want: "service_start:too_late"},
		{name: "date before min_date today", change: func(d map[string]any) { d["kind"] = "services"; d["hours"] = 1.0; d["service_start"] = "2026-05-03" }, want: "service_start:too_early"},
		{name: "datetime", change: func(d map[string]any) { d["pickup_at"] = "2026-05-05T09:30:00+02:00" }},
		{name: "datetime without zone via API", change: func(d map[string]any) { d["pickup_at"] = "2026-05-05T09:30" }, want: "pickup_at:invalid_date"},
		{name: "datetime nonsense", change: func(d map[string]any) { d["pickup_at"] = "morgen" }, want: "pickup_at:invalid_date"},
		// Unknown and read-only.
		{name: "unknown field", change: func(d map[string]any) { d["colour"] = "red" }, want: "colour:unknown_field"},
		{name: "unknown field in an entry", change: func(d map[string]any) { item(0)(d)["colour"] = "red" }, want: "items[0].colour:unknown_field"},
		{name: "sub-field at the top", change: func(d map[string]any) { d["article"] = "Stuhl" }, want: "article:unknown_field"},
		{name: "computed field sent", change: func(d map[string]any) { d["total"] = 1.0 }, want: "total:read_only"},
		{name: "computed sub-field sent", change: func(d map[string]any) { item(0)(d)["net"] = 1.0 }, want: "items[0].net:read_only"},
		{name: "read-only field sent", change: func(d map[string]any) { d["version"] = "3" }, want: "version:read_only"},
		{name: "value without JSON meaning", change: func(d map[string]any) { d["name"] = struct{}{} }, want: "name:invalid_type"},
		// Several errors come in form order.
		{name: "errors in form order", change: func(d map[string]any) {
			d["consent"] = false
			delete(d, "name")
			item(0)(d)["price"] = "teuer"
			d["zzz"] = 1.0
		}, want: "name:required items[0].price:not_a_number consent:required zzz:unknown_field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := validOrder()
			if tc.change != nil {
				tc.change(data)
			}
			clean, errs := c.Validate(data, "de")
			if got := codes(errs); got != tc.want {
				t.Fatalf("errors = %q, want %q\n%v", got, tc.want, errs)
			}
			if tc.want != "" && clean != nil {
				t.Errorf("clean = %v, want nil with errors", clean)
			}
			if tc.want == "" && clean == nil {
				t.Fatal("clean is nil without errors")
			}
			for _, e := range errs {
				if e.Message == "" {
					t.Errorf("%s: empty message", e.Field)
				}
			}
			if tc.check != nil {
				tc.check(t, clean)
			}
		})
	}
}

func TestValidateDoesNotChangeInput(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	data := validOrder()
	data["name"] = "  Erika  "
	data["urgent_reason"] = "hidden"
	before := dump(data)
	if _, errs := c.Validate(data, "de"); errs != nil {
		t.Fatal(errs)
	}
	if after := dump(data); after != before {
		t.Errorf("input changed:\n%s\n%s", before, after)
	}
}

// Visibility is worked out to the end: a field hidden by a condition hides
// the fields that depend on it, and only the visible ones are required.
func TestValidateVisibilityChain(t *testing.T) {
	c := fieldsForm(t, `
  - {id: a, type: checkbox, label: A}
  - {id: b, type: select, label: B, visible_if: {field: a, equals: true}, options: [{value: x, label: X}, {value: y, label: Y}]}
  - {id: c, type: text, label: C, required: true, visible_if: {field: b, equals: x}}
  - {id: d, type: text, label: D, required_if: {field: b, empty: true}}
`)
	tests := []struct {
		name string
		data map[string]any
		want string
		keys string
	}{
		{"all hidden", map[string]any{"b": "x", "c": "text"}, "d:required", "a"},
		{"all hidden, d given", map[string]any{"b": "x", "c": "text", "d": "d"}, "", "a d"},
		{"chain visible", map[string]any{"a": true, "b": "x"}, "c:required", ""},
		{"chain visible, complete", map[string]any{"a": true, "b": "x", "c": "text"}, "", "a b c"},
		{"b other", map[string]any{"a": true, "b": "y", "c": "text"}, "", "a b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clean, errs := c.Validate(tc.data, "de")
			if got := codes(errs); got != tc.want {
				t.Fatalf("errors = %q, want %q", got, tc.want)
			}
			if clean == nil {
				return
			}
			var keys []string
			for _, k := range []string{"a", "b", "c", "d"} {
				if _, ok := clean[k]; ok {
					keys = append(keys, k)
				}
			}
			if got := strings.Join(keys, " "); got != tc.keys {
				t.Errorf("clean keys = %q, want %q (%v)", got, tc.keys, clean)
			}
		})
	}
}

// Totals are exact in decimal: no binary rounding artefacts.
func TestValidateComputedTotals(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	type line struct{ q, p float64 }
	tests := []struct {
		name  string
		lines []line
		nets  []float64
		total float64
	}{
		{"3 × 19.99", []line{{3, 19.99}}, []float64{59.97}, 59.97},
		{"3 × 0.10", []line{{3, 0.1}}, []float64{0.3}, 0.3},
		{"7 × 1.15", []line{{7, 1.15}}, []float64{8.05}, 8.05},
		{"ten times 0.10", []line{{1, .1}, {1, .1}, {1, .1}, {1, .1}, {1, .1}}, []float64{.1, .1, .1, .1, .1}, 0.5},
		{"mixed", []line{{2, 0.07}, {1, 0.01}, {3, 33.33}}, []float64{0.14, 0.01, 99.99}, 100.14},
		{"large", []line{{1000, 999999.99}}, []float64{999999990}, 999999990},
		{"zero price", []line{{5, 0}}, []float64{0}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := validOrder()
			var items []any
			for _, l := range tc.lines {
				items = append(items, map[string]any{"article": "A", "quantity": l.q, "price": l.p})
			}
			data["items"] = items
			if tc.total >= 1000 {
				data["justification"] = "Großauftrag"
			}
			clean, errs := c.Validate(data, "de")
			if errs != nil {
				t.Fatal(errs)
			}
			for i, want := range tc.nets {
				if got := item(i)(clean)["net"]; got != want {
					t.Errorf("items[%d].net = %v, want %v", i, got, want)
				}
			}
			if got := clean["total"]; got != tc.total {
				t.Errorf("total = %v, want %v", got, tc.total)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	data := validOrder()
	delete(data, "name")
	data["phone"] = "call me"
	item(0)(data)["price"] = 19.999
	data["tags"] = []any{"it", "office", "furniture"}
	data["delivery_date"] = "2026-05-05"
	data["colour"] = "red"
	tests := []struct {
		lang string
		want []string
	}{
		{"de", []string{
			"Bitte füllen Sie „Name“ aus.",
			"„Telefon“: Nur Ziffern, Leerzeichen und + ( ) / -",
			"Bei „Schlagworte“ sind höchstens 2 Auswahlen möglich.",
			"„Einzelpreis“ (Eintrag 1 von „Positionen“) darf höchstens 2 Nachkommastellen haben.",
			"„Liefertermin“ darf nicht vor dem 06.05.2026 liegen.",
			"Dieses Formular hat kein Feld „colour“.",
		}},
		{"en", []string{
			"Please fill in “Name”.",
			"“Telefon”: Digits, spaces and + ( ) / - only",
			"“Tags” allows at most 2 choices.",
			"“Unit price” (entry 1 of “Items”) must have at most 2 decimal places.",
			"“Delivery date” must not be before 6 May 2026.",
			"This form has no field “colour”.",
		}},
		{"", nil}, // German by default
		{"en-GB", nil},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			_, errs := c.Validate(data, tc.lang)
			want := tc.want
			if want == nil {
				ref := "de"
				if strings.HasPrefix(tc.lang, "en") {
					ref = "en"
				}
				want = tests[map[string]int{"de": 0, "en": 1}[ref]].want
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Message)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("messages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// Every code has a message in both languages, with the field's label.
func TestValidateMessagesPerCode(t *testing.T) {
	c := fieldsForm(t, `
  - {id: t, type: text, label: {de: Titel, en: Title}, min_length: 3, max_length: 5, pattern: "^[a-z]+$"}
  - {id: n, type: number, label: {de: Anzahl, en: Count}, min: 2, max: 10, step: 2, unit: {de: Stück, en: pieces}}
  - {id: s, type: select, label: {de: Auswahl, en: Choice}, options: [{value: a, label: A}]}
  - {id: d, type: date, label: {de: Datum, en: Date}, min_date: "2026-01-01", max_date: "2026-12-31"}
  - {id: dt, type: datetime, label: {de: Zeitpunkt, en: Time}}
  - {id: e, type: email, label: {de: E-Mail, en: E-mail}}
  - {id: m, type: multiselect, label: {de: Mehrere, en: Several}, min_items: 2, options: [{value: a, label: A}, {value: b, label: B}]}
  - {id: f, type: file, label: {de: Datei, en: File}, max_items: 1}
  - {id: g, type: group, label: {de: Gruppe, en: Group}, min_items: 2, fields: [{id: x, type: text, label: X}]}
  - {id: c, type: checkbox, label: {de: Häkchen, en: Tick}, required: true}
`)
	cases := []struct {
		data  map[string]any
		field string
		code  string
		de    string
		en    string
	}{
		{map[string]any{"t": "ab"}, "t", "too_short", "„Titel“ muss mindestens 3 Zeichen lang sein.", "“Title” must be at least 3 characters long."},
		{map[string]any{"t": "abcdef"}, "t", "too_long", "„Titel“ darf höchstens 5 Zeichen lang sein.", "“Title” must be at most 5 characters long."},
		{map[string]any{"t": "ABC"}, "t", "pattern", "„Titel“ hat nicht das erwartete Format.", "“Title” is not in the expected format."},
		{map[string]any{"n": "x"}, "n", "not_a_number", "„Anzahl“ muss eine Zahl sein, zum Beispiel 12 oder 12,5.", "“Count” must be a number, for example 12 or 12.5."},
		{map[string]any{"n": 0}, "n", "too_small", "„Anzahl“ muss mindestens 2 Stück sein.", "“Count” must be at least 2 pieces."},
		{map[string]any{"n": 12}, "n", "too_large", "„Anzahl“ darf höchstens 10 Stück sein.", "“Count” must be at most 10 pieces."},
		{map[string]any{"n": 3}, "n", "step_mismatch", "„Anzahl“ muss ein Vielfaches von 2 sein.", "“Count” must be a multiple of 2."},
		{map[string]any{"s": "b"}, "s", "not_an_option", "Bitte wählen Sie bei „Auswahl“ einen der angebotenen Werte.", "Please choose one of the offered values for “Choice”."},
		{map[string]any{"d": "x"}, "d", "invalid_date", "„Datum“ muss ein gültiges Datum sein, zum Beispiel 24.12.2026.", "“Date” must be a valid date, for example 24 December 2026."},
		{map[string]any{"d": "2025-12-31"}, "d", "too_early", "„Datum“ darf nicht vor dem 01.01.2026 liegen.", "“Date” must not be before 1 January 2026."},
		{map[string]any{"d": "2027-01-01"}, "d", "too_late", "„Datum“ darf nicht nach dem 31.12.2026 liegen.", "“Date” must not be after 31 December 2026."},
		{map[string]any{"dt": "x"}, "dt", "invalid_date", "„Zeitpunkt“ muss ein gültiges Datum mit Uhrzeit sein, zum Beispiel 24.12.2026 14:30.", "“Time” must be a valid date and time, for example 24 December 2026 14:30."},
		{map[string]any{"e": "x"}, "e", "invalid_email", "„E-Mail“ muss eine E-Mail-Adresse sein, zum Beispiel name@example.org.", "“E-mail” must be an e-mail address, for example name@example.org."},
		{map[string]any{"m": []any{"a"}}, "m", "too_few", "Bei „Mehrere“ sind mindestens 2 Auswahlen nötig.", "“Several” needs at least 2 choices."},
		{map[string]any{"m": []any{"a", "a"}}, "m", "duplicate", "„Mehrere“ enthält einen Wert doppelt.", "“Several” contains a value twice."},
		{map[string]any{"f": []any{"a", "b"}}, "f", "too_many", "Bei „Datei“ ist höchstens 1 Datei möglich.", "“File” allows at most 1 file."},
		{map[string]any{"g": []any{map[string]any{"x": "1"}}}, "g", "too_few", "Bei „Gruppe“ sind mindestens 2 Einträge nötig.", "“Group” needs at least 2 entries."},
		{map[string]any{"g": []any{map[string]any{"x": 1}, map[string]any{"x": "1"}}}, "g[0].x", "invalid_type", "„X“ (Eintrag 1 von „Gruppe“) hat einen ungültigen Wert.", "“X” (entry 1 of “Group”) has an invalid value."},
		{map[string]any{"g": []any{1, map[string]any{"x": "1"}}}, "g[0]", "invalid_type", "Eintrag 1 von „Gruppe“ hat einen ungültigen Wert.", "Entry 1 of “Group” has an invalid value."},
		{map[string]any{}, "c", "required", "Bitte bestätigen Sie „Häkchen“.", "Please confirm “Tick”."},
	}
	for _, tc := range cases {
		t.Run(tc.field+"/"+tc.code, func(t *testing.T) {
			data := map[string]any{"c": true, "m": []any{"a", "b"}, "g": []any{map[string]any{"x": "1"}, map[string]any{"x": "2"}}}
			if tc.field == "c" {
				delete(data, "c")
			}
			for k, v := range tc.data {
				data[k] = v
			}
			for lang, want := range map[string]string{"de": tc.de, "en": tc.en} {
				_, errs := c.Validate(data, lang)
				e := form.ErrorFor(errs, tc.field)
				if e == nil || len(errs) != 1 {
					t.Fatalf("%s: errors = %v, want one for %s", lang, errs, tc.field)
				}
				if e.Code != tc.code || e.Message != want {
					t.Errorf("%s: %s %q, want %s %q", lang, e.Code, e.Message, tc.code, want)
				}
			}
		})
	}
}

// refChecker is a RefChecker over fixed records.
type refChecker struct {
	mu    sync.Mutex
	calls []string
	fail  error
}

func (r *refChecker) CheckRefs(_ context.Context, ref form.Ref, ids []string) ([]form.RefProblem, error) {
	r.mu.Lock()
	r.calls = append(r.calls, ref.Path+"="+strings.Join(ids, ","))
	r.mu.Unlock()
	if r.fail != nil {
		return nil, r.fail
	}
	var out []form.RefProblem
	for _, id := range ids {
		switch {
		case strings.HasPrefix(id, "unknown"):
			out = append(out, form.RefProblem{ID: id, Code: form.CodeUnknownReference})
		case id == "virus.exe":
			out = append(out, form.RefProblem{ID: id, Code: form.CodeFileType})
		case id == "huge.pdf":
			out = append(out, form.RefProblem{ID: id, Code: form.CodeFileTooLarge})
		case id == "gone-team":
			out = append(out, form.RefProblem{ID: id, Code: form.CodeNotAnOption})
		case id == "odd":
			out = append(out, form.RefProblem{ID: id, Code: "whatever"})
		}
	}
	return out, nil
}

func TestValidateReferences(t *testing.T) {
	tests := []struct {
		name  string
		set   map[string]any
		want  string
		calls string
	}{
		{"known", map[string]any{"approver": "u1", "device": "IT-000001", "team": "it-1st-level", "quote": []any{"a.pdf"}}, "",
			"quote=a.pdf approver=u1 device=IT-000001 team=it-1st-level"},
		{"unknown user", map[string]any{"approver": "unknown-user"}, "approver:unknown_reference", "approver=unknown-user"},
		{"unknown asset", map[string]any{"device": "unknown-asset"}, "device:unknown_reference", "device=unknown-asset"},
		{"lookup value gone", map[string]any{"team": "gone-team"}, "team:not_an_option", "team=gone-team"},
		{"file type", map[string]any{"quote": []any{"a.pdf", "virus.exe"}}, "quote:file_type", "quote=a.pdf,virus.exe"},
		{"file size", map[string]any{"quote": []any{"huge.pdf"}}, "quote:file_too_large", "quote=huge.pdf"},
		{"unexpected code", map[string]any{"approver": "odd"}, "approver:unknown_reference", "approver=odd"},
		{"invalid values are not looked up", map[string]any{"quote": []any{"a", "b", "c"}}, "quote:too_many", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refs := &refChecker{}
			cfg := testConfig()
			cfg.Refs = refs
			c := compileForm(t, "test-order", cfg)
			data := validOrder()
			for k, v := range tc.set {
				data[k] = v
			}
			_, errs := c.Validate(data, "de")
			if got := codes(errs); got != tc.want {
				t.Errorf("errors = %q, want %q", got, tc.want)
			}
			if got := strings.Join(refs.calls, " "); got != tc.calls {
				t.Errorf("calls = %q, want %q", got, tc.calls)
			}
		})
	}
	t.Run("failing check", func(t *testing.T) {
		cfg := testConfig()
		cfg.Refs = &refChecker{fail: errors.New("database down")}
		c := compileForm(t, "test-order", cfg)
		data := validOrder()
		data["approver"] = "u1"
		clean, errs, err := c.ValidateContext(context.Background(), data, "de")
		if err == nil || !strings.Contains(err.Error(), "database down") || clean != nil || errs != nil {
			t.Fatalf("ValidateContext = %v, %v, %v; want the error alone", clean, errs, err)
		}
		clean, errs = c.Validate(data, "en")
		if clean != nil || codes(errs) != ":check_failed" || !strings.Contains(errs[0].Message, "try again later") {
			t.Errorf("Validate = %v, %v; want a form-level check_failed", clean, errs)
		}
	})
}

func TestValidateScripts(t *testing.T) {
	var computeCalls []form.ScriptCall
	cfg := testConfig()
	cfg.ComputeScript = func(_ context.Context, call form.ScriptCall) (any, error) {
		computeCalls = append(computeCalls, call)
		if call.Data["name"] == "fail" {
			return nil, errors.New("script timeout")
		}
		return int64(42), nil
	}
	cfg.ValidateScript = func(_ context.Context, call form.ScriptCall) ([]form.FieldError, error) {
		if call.Script != "test-order-check" || call.Data["total"] != 59.97 || call.Data["score"] != 42.0 {
			t.Errorf("validate script call = %+v", call)
		}
		if call.Data["name"] == "Max" {
			return []form.FieldError{{Field: "name", Code: "blocked", Message: "gesperrt"}}, nil
		}
		return nil, nil
	}
	c := compileForm(t, "test-order", cfg)

	clean, errs := c.Validate(validOrder(), "de")
	if errs != nil || clean["score"] != 42.0 {
		t.Fatalf("Validate = %v, %v; want score 42", clean, errs)
	}
	if len(computeCalls) != 1 || computeCalls[0].Script != "test-order-score" || computeCalls[0].Field != "score" || computeCalls[0].Lang != "de" {
		t.Errorf("compute calls = %+v", computeCalls)
	}

	blocked := validOrder()
	blocked["name"] = "Max"
	if clean, errs := c.Validate(blocked, "de"); clean != nil || codes(errs) != "name:blocked" {
		t.Errorf("validate script errors not returned: %v, %v", clean, errs)
	}

	failing := validOrder()
	failing["name"] = "fail"
	if _, _, err := c.ValidateContext(context.Background(), failing, "de"); err == nil || !strings.Contains(err.Error(), "test-order-score") {
		t.Errorf("compute failure = %v, want an error naming the script", err)
	}

	// Without hooks the script-computed field is left out.
	plain := compileForm(t, "test-order", testConfig())
	if clean, _ := plain.Validate(validOrder(), "de"); clean == nil || clean["score"] != nil {
		t.Errorf("score = %v without a compute hook", clean["score"])
	}
}

// A Compiled form is shared by all requests.
func TestValidateConcurrent(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := validOrder()
			if i%2 == 1 {
				delete(data, "name")
			}
			for range 20 {
				_, errs := c.Validate(data, "de")
				if (i%2 == 1) != (len(errs) == 1) {
					t.Errorf("goroutine %d: %v", i, errs)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Long lists are refused without comparing every pair of values.
func TestValidateLongLists(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	tags := make([]any, 200000)
	for i := range tags {
		tags[i] = "it"
	}
	quotes := make([]any, 200000)
	for i := range quotes {
		quotes[i] = "att"
	}
	data := validOrder()
	data["tags"] = tags
	data["quote"] = quotes
	_, errs := c.Validate(data, "de")
	if got := codes(errs); got != "tags:too_many quote:too_many" {
		t.Errorf("errors = %q", got)
	}
	posted := map[string][]string{"tags": make([]string, 200000)}
	for i := range posted["tags"] {
		posted["tags"][i] = "office"
	}
	if n := len(c.DecodeForm(posted, "de").Data["tags"].([]any)); n != 3 {
		t.Errorf("decoded %d tags", n)
	}
}
