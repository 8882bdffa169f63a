package asset

import (
	"context"
	"fmt"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// RefChecker checks the asset references of a form: fields of type asset
// (the asset must exist, be of the field's asset_class when it names one,
// and not be retired) and select fields with `lookup: {source: assets}`
// (likewise, and match the lookup's filter on status or data fields).
// Other references are left to other checkers.
func (s *Service) RefChecker() form.RefChecker { return refChecker{s} }

type refChecker struct{ s *Service }

func (r refChecker) CheckRefs(ctx context.Context, ref form.Ref, ids []string) ([]form.RefProblem, error) {
	f := ref.Field
	class := ""
	var filter map[string]any
	switch {
	case f.Type == definition.FieldAsset:
		class = f.AssetClass.Value
	case f.Lookup != nil && f.Lookup.Source == "assets":
		class, filter = f.Lookup.AssetClass.Value, f.Lookup.Filter
	default:
		return nil, nil
	}
	var problems []form.RefProblem
	for _, id := range ids {
		code, err := r.refusal(ctx, id, class, filter)
		if err != nil {
			return nil, err
		}
		if code != "" {
			problems = append(problems, form.RefProblem{ID: id, Code: code})
		}
	}
	return problems, nil
}

// refusal returns the code an id is refused with, or "". The number may
// be given in any case (copied from a label).
func (r refChecker) refusal(ctx context.Context, id, class string, filter map[string]any) (string, error) {
	if !ValidNumber(id) {
		return form.CodeUnknownReference, nil
	}
	a, err := r.s.load(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return form.CodeUnknownReference, nil
		}
		return "", fmt.Errorf("asset: check reference %s: %w", id, err)
	}
	if class != "" && a.Class != class {
		return form.CodeUnknownReference, nil
	}
	if c := r.s.catalog().AssetClass(a.Class); c != nil && a.Status == RetiredStatus(c) {
		return form.CodeRetired, nil
	}
	for k, want := range filter {
		var got any
		if k == "status" {
			got = a.Status
		} else {
			got = a.Data[k]
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return form.CodeUnknownReference, nil
		}
	}
	return "", nil
}
