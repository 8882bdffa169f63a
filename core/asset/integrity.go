package asset

import (
	"context"
	"fmt"
	"slices"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
)

// Referential integrity between assets (docs/assets.md):
//
//   - a relation cannot gain a retired target (checkTargets);
//   - a relation declared `containment` ("is in") cannot make an asset
//     contain itself, directly (self_reference) or through others
//     (containment_cycle);
//   - retiring an asset that other, not retired, assets still point at is
//     refused when one of the relations pointing at it declares
//     `on_retire: refuse`, and otherwise allowed with the referrers named
//     (Asset.StillReferenced).

// maxContainmentWalk bounds the assets the cycle check visits: a chain of
// containment is short (site, building, floor, room, rack), so a longer
// one is stored data gone wrong, not a reason to loop.
const maxContainmentWalk = 10_000

// containers lists the targets of a class's containment relations in rel.
func containers(c *definition.AssetClass, rel map[string][]string) []string {
	var out []string
	for i := range c.Relations {
		if r := &c.Relations[i]; r.Containment && r.Target == "asset" {
			out = append(out, rel[r.ID.Value]...)
		}
	}
	return out
}

// checkContainment returns the code that refuses targets of a containment
// relation of the asset self ("" for an asset not numbered yet, which
// nothing can contain), or "".
func checkContainment(ctx context.Context, rel *definition.AssetRelation, self string, targets []string, resolve resolver) (string, error) {
	if !rel.Containment || rel.Target != "asset" || self == "" {
		return "", nil
	}
	key := numberKey(self)
	if code := selfReference(rel, self, targets); code != "" {
		return code, nil
	}
	seen := map[string]bool{}
	queue := slices.Clone(targets)
	for len(queue) > 0 && len(seen) < maxContainmentWalk {
		n := queue[0]
		queue = queue[1:]
		k := numberKey(n)
		if k == key {
			return CodeContainmentCycle, nil
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		r, found, err := resolve(ctx, n)
		if err != nil {
			return "", err
		}
		if found {
			queue = append(queue, r.Containers...)
		}
	}
	return "", nil
}

// selfReference returns CodeSelfReference if a containment relation of
// the asset self points at self, else "". It is checked before the
// targets' existence: a new asset is not stored yet.
func selfReference(rel *definition.AssetRelation, self string, targets []string) string {
	if !rel.Containment || self == "" {
		return ""
	}
	for _, t := range targets {
		if numberKey(t) == numberKey(self) {
			return CodeSelfReference
		}
	}
	return ""
}

// referrers returns the assets, not retired themselves, with a relation
// to number, and whether one of those relations refuses the target's
// retirement. planned (by number key) replaces stored assets by what an
// import makes of them.
func (s *Service) referrers(ctx context.Context, cat *definition.Catalog, number string, planned map[string]*Asset) ([]Head, bool, error) {
	var out []Head
	refuse := false
	q := Query{Target: number, Limit: MaxPage}
	for {
		page, next, err := s.searchRecords(ctx, q, recordFields)
		if err != nil {
			return nil, false, fmt.Errorf("asset: assets pointing at %s: %w", number, err)
		}
		for _, a := range page {
			if p, ok := planned[numberKey(a.Number)]; ok {
				a = p
			}
			c := cat.AssetClass(a.Class)
			if c == nil || a.Status == RetiredStatus(c) {
				continue
			}
			pointing := false
			for i := range c.Relations {
				r := &c.Relations[i]
				if r.Target == "asset" && slices.Contains(a.Relations[r.ID.Value], number) {
					pointing = true
					refuse = refuse || r.OnRetire == definition.OnRetireRefuse
				}
			}
			if pointing {
				out = append(out, headOf(a))
			}
		}
		if next == "" {
			return out, refuse, nil
		}
		q.After = next
	}
}

// Referrers lists the assets, not retired themselves, whose relations
// point at the asset: what a retirement would leave pointing at a retired
// asset.
func (s *Service) Referrers(ctx context.Context, actor *auth.Principal, number string) ([]Head, error) {
	if !MayRead(actor) {
		return nil, fmt.Errorf("assets pointing at %s: %w", number, fault.Forbidden)
	}
	a, err := s.load(ctx, number)
	if err != nil {
		return nil, err
	}
	refs, _, err := s.referrers(ctx, s.catalog(), a.Number, nil)
	return refs, err
}

// retiringReferenced reports the lines of the rows of an import that
// retire an asset others still point at after the import (rows of the
// same file that move away count as moved): refused when one of those
// relations declares on_retire: refuse, else warned.
func (s *Service) retiringReferenced(ctx context.Context, cat *definition.Catalog, c *definition.AssetClass, rows []*importRow) (refused, warned []int, err error) {
	retired := RetiredStatus(c)
	var planned map[string]*Asset
	for _, row := range rows {
		if row.old == nil || row.old.Status == retired || row.next.Status != retired {
			continue
		}
		if planned == nil {
			planned = map[string]*Asset{}
			for _, r := range rows {
				if r.next.Number != "" {
					planned[numberKey(r.next.Number)] = r.next
				}
			}
		}
		refs, refuse, err := s.referrers(ctx, cat, row.old.Number, planned)
		switch {
		case err != nil:
			return nil, nil, err
		case refuse:
			refused = append(refused, row.line)
		case len(refs) > 0:
			warned = append(warned, row.line)
		}
	}
	return refused, warned, nil
}
