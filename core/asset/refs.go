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
		ok, err := r.acceptable(ctx, id, class, filter)
		if err != nil {
			return nil, err
		}
		if !ok {
			problems = append(problems, form.RefProblem{ID: id, Code: form.CodeUnknownReference})
		}
	}
	return problems, nil
}

func (r refChecker) acceptable(ctx context.Context, id, class string, filter map[string]any) (bool, error) {
	if !ValidNumber(id) {
		return false, nil
	}
	a, err := r.s.load(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("asset: check reference %s: %w", id, err)
	}
	if class != "" && a.Class != class {
		return false, nil
	}
	if c := r.s.catalog().AssetClass(a.Class); c != nil && a.Status == RetiredStatus(c) {
		return false, nil
	}
	for k, want := range filter {
		var got any
		if k == "status" {
			got = a.Status
		} else {
			got = a.Data[k]
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return false, nil
		}
	}
	return true, nil
}
