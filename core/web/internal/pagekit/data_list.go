package pagekit

import (
	"context"

	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/web/internal/webkit"
)

// DataField is one answered field of a form, ready for a page.
type DataField struct {
	Label definition.Label
	Text  string
	// Link is where Text leads: the page of the asset an asset field
	// names, when the describer knows asset pages.
	Link    string
	Files   []FileLink
	Entries [][]DataField
}

type FileLink struct {
	Name string
	URL  string
}

type formArgs struct {
	V    *View
	Form FormView
}

type dataListArgs struct {
	V      *View
	Fields []DataField
}

// DataDescriber turns stored form data into labelled values.
type DataDescriber struct {
	Lang    webkit.Lang
	FileURL func(id string) string
	// Names maps attachment ids to file names.
	Names func(id string) string
	// AssetURL, when set, is the page of the asset an asset field (or a
	// select looking up assets) names; the value is shown as typed.
	AssetURL func(number string) string
}

func (d DataDescriber) Describe(fields []definition.Field, data map[string]any) []DataField {
	var out []DataField
	for i := range fields {
		f := &fields[i]
		v, ok := data[f.ID.Value]
		if !ok || v == nil {
			continue
		}
		df := DataField{Label: f.Label}
		kind := form.KindOf(f.Type)
		switch {
		case kind.Group():
			for _, e := range anyList(v) {
				if m, ok := e.(map[string]any); ok {
					df.Entries = append(df.Entries, d.Describe(f.Fields, m))
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
				df.Files = append(df.Files, FileLink{Name: d.Names(s), URL: d.FileURL(s)})
			}
			if len(df.Files) == 0 {
				continue
			}
		default:
			df.Text = kind.Text(f, v, string(d.Lang))
			if df.Text == "" {
				continue
			}
			if n, ok := v.(string); ok && d.AssetURL != nil && namesAsset(f) {
				df.Link = d.AssetURL(n)
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
func (u *Pages) AttachmentNames(ctx context.Context) func(string) string {
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

// namesAsset reports whether a field's single value is an inventory
// number.
func namesAsset(f *definition.Field) bool {
	return f.Type == definition.FieldAsset || (f.Type == definition.FieldSelect && f.Lookup != nil && f.Lookup.Source == "assets")
}
