package web

import (
	"context"

	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/web/internal/pagekit"
)

// dataField is one answered field of a form, ready for a page.
type dataField struct {
	Label   definition.Label
	Text    string
	Files   []fileLink
	Entries [][]dataField
}

type fileLink struct {
	Name string
	URL  string
}

type formArgs struct {
	V    *pagekit.View
	Form formView
}

type dataListArgs struct {
	V      *pagekit.View
	Fields []dataField
}

// dataDescriber turns stored form data into labelled values.
type dataDescriber struct {
	lang    lang
	fileURL func(id string) string
	// names maps attachment ids to file names.
	names func(id string) string
}

func (d dataDescriber) describe(fields []definition.Field, data map[string]any) []dataField {
	var out []dataField
	for i := range fields {
		f := &fields[i]
		v, ok := data[f.ID.Value]
		if !ok || v == nil {
			continue
		}
		df := dataField{Label: f.Label}
		kind := form.KindOf(f.Type)
		switch {
		case kind.Group():
			for _, e := range anyList(v) {
				if m, ok := e.(map[string]any); ok {
					df.Entries = append(df.Entries, d.describe(f.Fields, m))
				}
			}
			if len(df.Entries) == 0 {
				continue
			}
		case kind.Files():
			for _, id := range anyList(v) {
				s, _ := id.(string)
				if s == "" {
					continue
				}
				df.Files = append(df.Files, fileLink{Name: d.names(s), URL: d.fileURL(s)})
			}
			if len(df.Files) == 0 {
				continue
			}
		default:
			df.Text = kind.Text(f, v, string(d.lang))
			if df.Text == "" {
				continue
			}
		}
		out = append(out, df)
	}
	return out
}

func anyList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out
	}
	return nil
}

// attachmentNames looks up file names for attachment ids, falling back to
// the id.
func (u *ui) attachmentNames(ctx context.Context) func(string) string {
	cache := map[string]string{}
	return func(id string) string {
		if n, ok := cache[id]; ok {
			return n
		}
		n := u.Engine.AttachmentName(ctx, id)
		cache[id] = n
		return n
	}
}
