package asset

import (
	"context"
	"fmt"

	"vorgang/core/script"
)

// scriptScanLimit bounds how many assets one script query looks at when it
// filters by field values, which no index serves.
const scriptScanLimit = 2000

// FindAssets answers a script's assets.find: assets of a class and status
// whose fields equal the given values, at most q.Limit, as plain tables
// (number, class, name, status, the fields, and the relations).
func (s *Service) FindAssets(ctx context.Context, q script.AssetQuery) ([]map[string]any, error) {
	limit := q.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	var out []map[string]any
	query := Query{Class: q.Class, Status: q.Status, Limit: MaxPage}
	for seen := 0; seen < scriptScanLimit; {
		page, next, err := s.Find(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("asset: script query: %w", err)
		}
		for _, a := range page {
			seen++
			if matchesFields(a, q.Fields) {
				out = append(out, scriptView(a))
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if next == "" {
			break
		}
		query.After = next
	}
	return out, nil
}

func matchesFields(a *Asset, want map[string]any) bool {
	for k, v := range want {
		got, ok := a.Data[k]
		if !ok {
			switch k {
			case "name":
				got = a.Name
			case "number":
				got = a.Number
			default:
				if targets, ok := a.Relations[k]; ok && len(targets) == 1 {
					got = targets[0]
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

func scriptView(a *Asset) map[string]any {
	m := map[string]any{"number": a.Number, "class": a.Class, "name": a.Name, "status": a.Status}
	fields := map[string]any{}
	for k, v := range a.Data {
		fields[k] = v
	}
	m["fields"] = fields
	rel := map[string]any{}
	for k, targets := range a.Relations {
		list := make([]any, len(targets))
		for i, t := range targets {
			list[i] = t
		}
		rel[k] = list
	}
	m["relations"] = rel
	return m
}
