package app

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/engine"
)

// assetSubjects is the engine.SubjectSource of the asset register: the
// assets whose name, fields or relations name the data subject (a laptop
// lent to them, a parking space in their name), each with its own record:
// class, name, status, every field the class does not declare personal
// (and that is no address, phone, user or free text), the fields that
// name the subject, and the relations to them.
// Personal fields and relations naming somebody else are left out, so the
// export says nothing about other people.
func assetSubjects(assets *asset.Service, catalog func() *definition.Catalog) engine.SubjectSource {
	return func(ctx context.Context, match func(string) bool) ([]engine.SubjectRecord, error) {
		cat := catalog()
		var out []engine.SubjectRecord
		for after := ""; ; {
			page, next, err := assets.Find(ctx, asset.Query{After: after, Limit: asset.MaxPage})
			if err != nil {
				return nil, fmt.Errorf("app: assets naming a data subject: %w", err)
			}
			for _, a := range page {
				if rec, ok := assetRecord(cat.AssetClass(a.Class), a, match); ok {
					out = append(out, rec)
				}
			}
			if next == "" {
				return out, nil
			}
			after = next
		}
	}
}

// assetRecord is what the export says of asset a, and whether a names the
// subject at all.
func assetRecord(class *definition.AssetClass, a *asset.Asset, match func(string) bool) (engine.SubjectRecord, bool) {
	personal := map[string]bool{}
	if class != nil {
		for i := range class.Fields {
			// A person's address, phone or user is about them whatever
			// the class declares.
			switch f := &class.Fields[i]; {
			case f.IsPersonal(), f.Type == definition.FieldEmail, f.Type == definition.FieldPhone, f.Type == definition.FieldUser, f.Type == definition.FieldTextarea:
				personal[class.Fields[i].ID.Value] = true
			}
		}
	}
	named := match(a.Name)
	fields := map[string]any{"class": a.Class, "name": a.Name, "status": a.Status}
	for _, k := range slices.Sorted(maps.Keys(a.Data)) {
		v := a.Data[k]
		s, _ := v.(string)
		switch {
		case s != "" && match(s):
			named = true
			fields["data."+k] = v
		case !personal[k]:
			fields["data."+k] = v
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(a.Relations)) {
		for _, target := range a.Relations[rel] {
			if match(target) {
				named = true
				fields["relations."+rel] = append(stringsOf(fields["relations."+rel]), target)
			}
		}
	}
	if !named {
		return engine.SubjectRecord{}, false
	}
	return engine.SubjectRecord{Kind: "asset", ID: a.Number, At: a.Updated, Fields: fields}, true
}

func stringsOf(v any) []string {
	s, _ := v.([]string)
	return s
}
