package form_test

import (
	"io"
	"net/url"
	"testing"

	"vorgang/core/form"
)

func BenchmarkValidate(b *testing.B) {
	c := compileForm(b, "test-order", testConfig())
	data := validOrder()
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := c.Validate(data, "de"); errs != nil {
			b.Fatal(errs)
		}
	}
}

func BenchmarkDecodeFormAndValidate(b *testing.B) {
	c := compileForm(b, "test-order", testConfig())
	post := url.Values{
		"name": {"Erika Mustermann"}, "email": {"erika@example.org"}, "kind": {"goods"}, "tags": {"it"}, "consent": {"on"},
		"items[0][article]": {"Bürostuhl"}, "items[0][quantity]": {"3"}, "items[0][price]": {"19,99"},
		"items[1][article]": {""}, "items[1][quantity]": {""}, "items[1][price]": {""},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := c.Validate(c.DecodeForm(post, "de").Data, "de"); errs != nil {
			b.Fatal(errs)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	c := compileForm(b, "test-order", testConfig())
	data := validOrder()
	delete(data, "name")
	_, errs := c.Validate(data, "de")
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Render(io.Discard, form.RenderOptions{Values: data, Errors: errs}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	def := catalog(b).Form("test-order")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Compile(def, form.Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
