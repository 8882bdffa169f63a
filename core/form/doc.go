// Package form turns a Form definition into what serves and guards it: a JSON
// Schema (draft 2020-12) that every submission — browser or API — is
// validated against, the checks a schema cannot express (conditional
// visibility and requiredness, date bounds relative to today, references that
// must exist), computed fields, and an accessible HTML rendering that works
// without JavaScript.
//
// The flow for one form:
//
//	c, err := form.Compile(def, form.Config{Refs: refs})   // once per catalog
//	data := c.DecodeForm(postedValues, lang).Data          // browser posts only
//	clean, errs := c.Validate(data, lang)                  // every submission
//	c.Render(w, form.RenderOptions{Lang: lang, Values: data, Errors: errs})
//
// A Compiled form is immutable and safe for concurrent use. The package knows
// nothing about HTTP; docs/forms.md describes the conventions it follows.
package form
