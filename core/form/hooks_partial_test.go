package form_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"vorgang/core/form"
)

// hookRecorder is a compute and a validate script that record what they
// saw. The validate script refuses the name "Max" and any phone at all, so
// its errors can come together with the form's own.
type hookRecorder struct {
	computeSaw  []map[string]any
	validateSaw []map[string]any
	fail        bool
}

func (h *hookRecorder) config() form.Config {
	cfg := testConfig()
	cfg.ComputeScript = func(_ context.Context, call form.ScriptCall) (any, error) {
		h.computeSaw = append(h.computeSaw, copyData(call.Data))
		if h.fail {
			return nil, errors.New("script timeout")
		}
		total, _ := call.Data["total"].(float64)
		return total * 2, nil
	}
	cfg.ValidateScript = func(_ context.Context, call form.ScriptCall) ([]form.FieldError, error) {
		h.validateSaw = append(h.validateSaw, copyData(call.Data))
		var errs []form.FieldError
		if call.Data["name"] == "Max" {
			errs = append(errs, form.FieldError{Field: "name", Code: "blocked", Message: "gesperrt"})
		}
		if _, ok := call.Data["phone"]; ok {
			errs = append(errs, form.FieldError{Field: "phone", Code: "no_phone", Message: "kein Telefon"})
		}
		if _, ok := call.Data["email"]; !ok {
			errs = append(errs, form.FieldError{Field: "email", Code: "want_email", Message: "E-Mail fehlt"})
		}
		errs = append(errs, form.FieldError{Field: "", Code: "note", Message: "Hinweis"})
		return errs, nil
	}
	return cfg
}

func copyData(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// A submission with errors of the form and errors of its validate script
// shows them all in one answer, in the order of the form; the hooks see
// only the values that passed the form's checks.
func TestValidateHooksRunBesideSchemaErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(d map[string]any)
		want   string
		// absent are the fields the hooks must not see.
		absent []string
		total  float64 // the sum the hooks see
	}{
		{
			name:   "a schema error and a script error",
			change: func(d map[string]any) { d["name"] = "Max"; d["cost_center"] = "12" },
			want:   "name:blocked cost_center:pattern :note",
			absent: []string{"cost_center"},
			total:  59.97,
		},
		{
			name:   "a script error at a field that failed is left out",
			change: func(d map[string]any) { d["email"] = "no address" },
			want:   "email:invalid_email :note",
			absent: []string{"email"},
			total:  59.97,
		},
		{
			name:   "a missing required field and a script error",
			change: func(d map[string]any) { delete(d, "consent"); d["phone"] = "0351 1234" },
			want:   "phone:no_phone consent:required :note",
			total:  59.97,
		},
		{
			name: "a failed sub-field leaves the sums",
			change: func(d map[string]any) {
				d["items"] = []any{
					map[string]any{"article": "Stuhl", "quantity": 3.0, "price": 19.99},
					map[string]any{"article": "Tisch", "quantity": 1.0, "price": -5.0},
				}
			},
			want:  "items[1].price:too_small :note",
			total: 59.97,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hookRecorder{}
			c := compileForm(t, "test-order", h.config())
			data := validOrder()
			tt.change(data)
			clean, errs := c.Validate(data, "de")
			if clean != nil || codes(errs) != tt.want {
				t.Fatalf("Validate = %v, %s; want %s", clean, codes(errs), tt.want)
			}
			if len(h.computeSaw) != 1 || len(h.validateSaw) != 1 {
				t.Fatalf("hooks ran %d and %d times, want once each", len(h.computeSaw), len(h.validateSaw))
			}
			for _, saw := range append(h.computeSaw, h.validateSaw...) {
				for _, k := range tt.absent {
					if v, ok := saw[k]; ok {
						t.Errorf("a hook saw %s = %v, which failed the form's checks", k, v)
					}
				}
				if saw["total"] != tt.total {
					t.Errorf("a hook saw total %v, want %v", saw["total"], tt.total)
				}
			}
			if got := h.validateSaw[0]["score"]; got != tt.total*2 {
				t.Errorf("validate script saw score %v, want the computed %v", got, tt.total*2)
			}
		})
	}
}

// A hook that fails leaves the errors found before it with Validate.
func TestValidateHookFailureKeepsErrors(t *testing.T) {
	h := &hookRecorder{fail: true}
	c := compileForm(t, "test-order", h.config())
	data := validOrder()
	data["cost_center"] = "12"
	_, errs, err := c.ValidateContext(context.Background(), data, "de")
	if err == nil || codes(errs) != "cost_center:pattern" {
		t.Fatalf("ValidateContext = %s, %v; want the pattern error and the hook's failure", codes(errs), err)
	}
	if _, errs := c.Validate(data, "de"); codes(errs) != "cost_center:pattern :check_failed" {
		t.Errorf("Validate = %s", codes(errs))
	}
}

// Compute answers what the computed fields show for an input being filled
// in, without refusing it.
func TestCompute(t *testing.T) {
	h := &hookRecorder{}
	c := compileForm(t, "test-order", h.config())
	data := map[string]any{
		"name": "E",
		"items": []any{
			map[string]any{"quantity": 3.0, "price": 19.99},
			map[string]any{"quantity": 2.0, "price": "viel"},
		},
	}
	got, err := c.Compute(context.Background(), data, "de")
	if err != nil {
		t.Fatal(err)
	}
	want := []form.Computed{
		{Field: "items[0].net", Value: 59.97, Text: "59,97"},
		{Field: "items[1].net", Value: 0.0, Text: "0,00"},
		{Field: "total", Value: 59.97, Text: "59,97"},
		{Field: "score", Value: 119.94, Text: "119,94"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compute =\n%+v\nwant\n%+v", got, want)
	}
	if len(h.validateSaw) != 0 {
		t.Errorf("Compute ran the validate script")
	}
	if _, ok := h.computeSaw[0]["items"].([]any)[1].(map[string]any)["price"]; ok {
		t.Errorf("the compute script saw a price that is no number")
	}

	shown, err := c.WithComputed(context.Background(), data, "en")
	if err != nil {
		t.Fatal(err)
	}
	if shown["score"] != 119.94 || shown["total"] != 59.97 || shown["name"] != "E" {
		t.Errorf("WithComputed = %v", shown)
	}
	if _, ok := data["score"]; ok {
		t.Errorf("WithComputed changed its input")
	}

	h.fail = true
	if _, err := c.Compute(context.Background(), data, "de"); err == nil {
		t.Errorf("Compute hid a failing script")
	}
}

// ControlName maps a path of decoded data back to the name the browser
// used, across the empty entries DecodeForm drops.
func TestSubmissionControlName(t *testing.T) {
	c := compileForm(t, "test-order", testConfig())
	sub := c.DecodeForm(map[string][]string{
		"items[0][article]": {""}, "items[3][article]": {"Stuhl"}, "items[7][article]": {"Tisch"},
	}, "de")
	for path, want := range map[string]string{"items[0].net": "items[3][net]", "items[1].net": "items[7][net]", "total": "total"} {
		if got := sub.ControlName(path); got != want {
			t.Errorf("ControlName(%s) = %s, want %s", path, got, want)
		}
	}
}
