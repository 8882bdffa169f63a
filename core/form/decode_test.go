package form_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"vorgang/core/form"
)

func TestDecodeFormNumbers(t *testing.T) {
	c := fieldsForm(t, "  - {id: n, type: number, label: N}\n")
	tests := []struct {
		in string
		de any // result on a German page
		en any // on an English page
	}{
		{"12", 12.0, 12.0},
		{"12,5", 12.5, 12.5},
		{"12.5", 12.5, 12.5},
		{"-3", -3.0, -3.0},
		{"+3", 3.0, 3.0},
		{"−3,5", -3.5, -3.5}, // minus sign
		{",5", 0.5, 0.5},
		{"1.234", 1234.0, 1.234},
		{"1,234", 1.234, 1234.0},
		{"0.250", 0.25, 0.25},
		{"1.234,56", 1234.56, 1234.56},
		{"1,234.56", 1234.56, 1234.56},
		{"1.234.567", 1234567.0, 1234567.0},
		{"1,234,567", 1234567.0, 1234567.0},
		{"1 234,5", 1234.5, 1234.5},
		{"1\u00a0234", 1234.0, 1234.0},
		{" 7 ", 7.0, 7.0},
		{"-0", 0.0, 0.0},
		{"1.2.3", "1.2.3", "1.2.3"},
		{"1,2,3", "1,2,3", "1,2,3"},
		{"12,", "12,", "12,"},
		{"1,5.5", "1,5.5", "1,5.5"},
		{"1e5", "1e5", "1e5"},
		{"Inf", "Inf", "Inf"},
		{"NaN", "NaN", "NaN"},
		{"0x10", "0x10", "0x10"},
		{"12 EUR", "12 EUR", "12 EUR"},
		{"zwölf", "zwölf", "zwölf"},
		{"", nil, nil},
		{"   ", nil, nil},
	}
	for _, tc := range tests {
		for lang, want := range map[string]any{"de": tc.de, "en": tc.en} {
			got := c.DecodeForm(url.Values{"n": {tc.in}}, lang).Data["n"]
			if got != want {
				t.Errorf("%s %q = %#v, want %#v", lang, tc.in, got, want)
			}
		}
	}
	// Text that is not a number is kept, so Validate can say so.
	_, errs := c.Validate(c.DecodeForm(url.Values{"n": {"zwölf"}}, "de").Data, "de")
	if codes(errs) != "n:not_a_number" {
		t.Errorf("errors = %v", errs)
	}
}

func TestDecodeForm(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	tests := []struct {
		name   string
		values url.Values
		lang   string
		want   map[string]any
		add    string
		remove string
	}{
		{
			name:   "texts trimmed, empty values absent",
			values: url.Values{"name": {"  Erika "}, "email": {""}, "phone": {"   "}, "justification": {"Zeile 1\r\nZeile 2\r\n"}},
			want:   map[string]any{"name": "Erika", "justification": "Zeile 1\nZeile 2"},
		},
		{
			name:   "checkbox on and off",
			values: url.Values{"consent": {"on"}, "urgent": {""}},
			want:   map[string]any{"consent": true},
		},
		{
			name:   "select values become the option's type",
			values: url.Values{"kind": {"goods"}, "priority": {"3"}, "tags": {"it", "", "office"}},
			want:   map[string]any{"kind": "goods", "priority": 3.0, "tags": []any{"it", "office"}},
		},
		{
			name:   "unknown option values are kept for Validate",
			values: url.Values{"priority": {"9"}, "tags": {"food"}},
			want:   map[string]any{"priority": "9", "tags": []any{"food"}},
		},
		{
			name:   "dates in ISO and German notation",
			values: url.Values{"delivery_date": {"24.12.2026"}, "service_start": {"2026-06-01"}},
			want:   map[string]any{"delivery_date": "2026-12-24", "service_start": "2026-06-01"},
		},
		{
			name:   "impossible dates are kept as text",
			values: url.Values{"delivery_date": {"31.02.2026"}},
			want:   map[string]any{"delivery_date": "31.02.2026"},
		},
		{
			name:   "datetime-local in Berlin time",
			values: url.Values{"pickup_at": {"2026-12-24T10:30"}},
			want:   map[string]any{"pickup_at": "2026-12-24T10:30:00+01:00"},
		},
		{
			name:   "datetime-local in summer time",
			values: url.Values{"pickup_at": {"2026-07-01T08:00"}},
			want:   map[string]any{"pickup_at": "2026-07-01T08:00:00+02:00"},
		},
		{
			name:   "file ids",
			values: url.Values{"quote": {"att-1", "", "att-2"}},
			want:   map[string]any{"quote": []any{"att-1", "att-2"}},
		},
		{
			name: "group entries renumbered, empty entries dropped",
			values: url.Values{
				"items[0][article]": {"Stuhl"}, "items[0][quantity]": {"2"}, "items[0][price]": {"1.234,50"},
				"items[3][article]": {"Tisch"}, "items[3][quantity]": {"1"}, "items[3][price]": {"99"}, "items[3][used]": {"on"},
				"items[4][article]": {""}, "items[4][quantity]": {""}, "items[4][price]": {""},
				"items[10][article]": {"Lampe"},
			},
			want: map[string]any{"items": []any{
				map[string]any{"article": "Stuhl", "quantity": 2.0, "price": 1234.5},
				map[string]any{"article": "Tisch", "quantity": 1.0, "price": 99.0, "used": true},
				map[string]any{"article": "Lampe"},
			}},
		},
		{
			name:   "English page",
			lang:   "en",
			values: url.Values{"items[0][article]": {"Desk"}, "items[0][quantity]": {"1,000"}, "items[0][price]": {"1,234.50"}},
			want:   map[string]any{"items": []any{map[string]any{"article": "Desk", "quantity": 1000.0, "price": 1234.5}}},
		},
		{
			name:   "add an entry",
			values: url.Values{"_add": {"items"}, "items[0][article]": {"Stuhl"}},
			want:   map[string]any{"items": []any{map[string]any{"article": "Stuhl"}}},
			add:    "items",
		},
		{
			name:   "add for something that is not a group",
			values: url.Values{"_add": {"name"}},
			want:   map[string]any{},
		},
		{
			name: "remove an entry",
			values: url.Values{
				"_remove":           {"items[1]"},
				"items[0][article]": {"A"}, "items[1][article]": {"B"}, "items[2][article]": {"C"},
			},
			want:   map[string]any{"items": []any{map[string]any{"article": "A"}, map[string]any{"article": "C"}}},
			remove: "items[1]",
		},
		{
			name:   "web layer names are not data",
			values: url.Values{"_csrf": {"x"}, "_token": {"y"}, "name": {"Erika"}},
			want:   map[string]any{"name": "Erika"},
		},
		{
			name:   "computed and read-only values sent back are ignored",
			values: url.Values{"total": {"1000000"}, "version": {"99"}, "items[0][net]": {"5"}, "items[0][article]": {"A"}},
			want:   map[string]any{"items": []any{map[string]any{"article": "A"}}},
		},
		{
			name:   "unknown names are kept for Validate",
			values: url.Values{"colour": {"red"}, "items[0][colour]": {"blue"}, "nothing": {""}, "name[x]": {"y"}},
			want:   map[string]any{"colour": "red", "items": []any{map[string]any{"colour": "blue"}}, "name[x]": "y"},
		},
		{
			name:   "a group given as one value",
			values: url.Values{"items": {"Stuhl"}},
			want:   map[string]any{"items": "Stuhl"},
		},
		{
			name:   "multiselect with [] names",
			values: url.Values{"tags[]": {"it", "office"}},
			want:   map[string]any{"tags": []any{"it", "office"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := c.DecodeForm(tc.values, tc.lang)
			if !reflect.DeepEqual(sub.Data, tc.want) {
				t.Errorf("Data =\n%s\nwant\n%s", dump(sub.Data), dump(tc.want))
			}
			if sub.Add != tc.add || sub.Remove != tc.remove {
				t.Errorf("Add, Remove = %q, %q; want %q, %q", sub.Add, sub.Remove, tc.add, tc.remove)
			}
			if sub.Save() != (tc.add == "" && tc.remove == "") {
				t.Errorf("Save() = %v", sub.Save())
			}
		})
	}
}

// A browser post and the equivalent API call end up the same.
func TestDecodeFormThenValidate(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	post := url.Values{
		"_csrf":   {"token"},
		"name":    {"Erika Mustermann"},
		"email":   {"erika@example.org"},
		"kind":    {"goods"},
		"tags":    {"it"},
		"consent": {"on"},
		// The empty entry every form offers, and a hidden field's value.
		"items[0][article]": {"Bürostuhl"}, "items[0][quantity]": {"3"}, "items[0][price]": {"19,99"},
		"items[1][article]": {""}, "items[1][quantity]": {""}, "items[1][price]": {""},
		"urgent_reason": {"bleibt nicht"},
		"total":         {"0"},
	}
	fromBrowser, errs := c.Validate(c.DecodeForm(post, "de").Data, "de")
	if errs != nil {
		t.Fatal(errs)
	}
	fromAPI, errs := c.Validate(validOrder(), "de")
	if errs != nil {
		t.Fatal(errs)
	}
	if !reflect.DeepEqual(fromBrowser, fromAPI) {
		t.Errorf("browser:\n%s\nAPI:\n%s", dump(fromBrowser), dump(fromAPI))
	}
	// A row with errors is reported at its renumbered position.
	post["items[5][article]"] = []string{"Tisch"}
	post["items[5][quantity]"] = []string{"1"}
	post["items[5][price]"] = []string{"12,345"}
	_, errs = c.Validate(c.DecodeForm(post, "de").Data, "de")
	if codes(errs) != "items[1].price:step_mismatch" {
		t.Errorf("errors = %v", errs)
	}
}

// Huge indexes or many entries do not make DecodeForm allocate per index.
func TestDecodeFormBounded(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	values := url.Values{"items[999999][article]": {"A"}}
	for i := range 50 {
		values["items["+itoa(i)+"][article]"] = []string{"A"}
	}
	sub := c.DecodeForm(values, "de")
	items := sub.Data["items"].([]any)
	if len(items) != 6 { // max_items 5, plus one so Validate says too_many
		t.Fatalf("%d entries", len(items))
	}
	if _, errs := c.Validate(sub.Data, "de"); form.ErrorFor(errs, "items") == nil || form.ErrorFor(errs, "items").Code != "too_many" {
		t.Errorf("errors = %v", errs)
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

// Whatever a browser (or an attacker) posts, decoding, validating and
// rendering it again neither panics nor loses the error summary.
func FuzzDecodeForm(f *testing.F) {
	for _, seed := range []string{
		"name=Erika&email=erika%40example.org&kind=goods&tags=it&consent=on&items%5B0%5D%5Barticle%5D=Stuhl&items%5B0%5D%5Bquantity%5D=3&items%5B0%5D%5Bprice%5D=19%2C99",
		"items%5B999999%5D%5Bprice%5D=1.234.567,8&_remove=items%5B0%5D&_add=items",
		"pickup_at=2026-03-29T02%3A30&delivery_date=29.02.2026&priority=3&tags%5B%5D=x",
		"hours=%E2%88%921e309&kind=services&total=5&items=x&zz=%00",
	} {
		f.Add(seed, "de")
		f.Add(seed, "en")
	}
	c := compileForm(f, "test-order", testConfig())
	f.Fuzz(func(t *testing.T, query, lang string) {
		values, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		sub := c.DecodeForm(values, lang)
		clean, errs := c.Validate(sub.Data, lang)
		if (clean == nil) == (errs == nil) {
			t.Fatalf("clean %v and errors %v", clean, errs)
		}
		var buf strings.Builder
		if err := c.Render(&buf, form.RenderOptions{Lang: lang, Values: sub.Data, Errors: errs, Add: sub.Add}); err != nil {
			t.Fatal(err)
		}
		if len(errs) > 0 && !strings.Contains(buf.String(), `role="alert"`) {
			t.Fatal("errors without a summary")
		}
	})
}
