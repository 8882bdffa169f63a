package form

import (
	"math/big"
	"strings"
)

// Computed values of `sum` and `sum_product` are worked out in exact decimal
// arithmetic on the numbers as written (19.99 is 1999/100) and stored as the
// float64 nearest to the exact result, so 3 × 19.99 is stored and shown as
// 59.97 — never 59.970000000000006. Money is a number field with `step: 0.01`
// (the schema's multipleOf refuses a third decimal), so every total of
// amounts is exact in cents. An operand that is missing or not a number
// counts as 0; the field itself reports the error.

// computeValue evaluates a sum or sum_product field over data. Inside a
// group entry (entry != nil) operands of that group are taken from the entry
// alone.
func (c *Compiled) computeValue(f *field, data, entry map[string]any) (float64, bool) {
	comp := f.def.Compute
	if comp == nil {
		return 0, false
	}
	var paths []string
	switch {
	case !comp.Sum.IsZero():
		paths = []string{comp.Sum.Value}
	case len(comp.SumProduct) > 0:
		paths = make([]string, len(comp.SumProduct))
		for i, r := range comp.SumProduct {
			paths[i] = r.Value
		}
	default:
		return 0, false // a script computes it
	}
	group, _, _ := strings.Cut(paths[0], ".")
	var entries []any
	if entry != nil {
		entries = []any{entry}
	} else if list, ok := data[group].([]any); ok {
		entries = list
	}
	total := new(big.Rat)
	for _, e := range entries {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		product := big.NewRat(1, 1)
		for _, p := range paths {
			_, sub, _ := strings.Cut(p, ".")
			v, ok := m[sub].(float64)
			if !ok {
				product.SetInt64(0)
				break
			}
			product.Mul(product, decimalOf(v))
		}
		total.Add(total, product)
	}
	return ratFloat(total), true
}

// computeBuiltin sets every visible sum and sum_product field in data:
// sub-fields of each entry first, then top-level fields, which may add up
// the former.
func (c *Compiled) computeBuiltin(data map[string]any, hidden map[string]bool) {
	for _, g := range c.fields {
		if !g.isGroup() || hidden[g.path] {
			continue
		}
		g.eachSubField(data, func(_ int, entry map[string]any, s *field, p string) error {
			if s.computed() && !hidden[p] {
				if v, ok := c.computeValue(s, data, entry); ok {
					entry[s.id] = v
				}
			}
			return nil
		})
	}
	for _, f := range c.fields {
		if !f.computed() || hidden[f.path] {
			continue
		}
		if v, ok := c.computeValue(f, data, nil); ok {
			data[f.id] = v
		}
	}
}

// eachSubField calls fn for every sub-field of every entry of group f in
// data, with the entry's index, the entry and the sub-field's path; it
// stops at the first error fn returns. Entries that are not objects are
// skipped (validation reports them).
func (f *field) eachSubField(data map[string]any, fn func(i int, entry map[string]any, s *field, path string) error) error {
	list, _ := data[f.id].([]any)
	for i, e := range list {
		entry, ok := e.(map[string]any)
		if !ok {
			continue
		}
		for _, s := range f.sub {
			if err := fn(i, entry, s, entryPath(f.id, i, s.id)); err != nil {
				return err
			}
		}
	}
	return nil
}
