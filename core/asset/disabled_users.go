package asset

import (
	"context"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// Assignment is an asset a relation assigns to a user.
type Assignment struct {
	Asset    Head   `json:"asset"`
	Relation string `json:"relation"`
	User     string `json:"user"`
}

// AssignedToDisabled lists the assets, not retired, that a user relation
// still assigns to a disabled user (someone who left): what to collect or
// hand on. In number order; an asset assigned to two such users is listed
// once per user.
func (s *Service) AssignedToDisabled(ctx context.Context, actor *auth.Principal) ([]Assignment, error) {
	if !MayRead(actor) {
		return nil, fmt.Errorf("assets of disabled users: %w", fault.Forbidden)
	}
	if s.users == nil {
		return nil, nil
	}
	cat := s.catalog()
	disabled := map[string]bool{}
	isDisabled := func(name string) (bool, error) {
		if d, ok := disabled[name]; ok {
			return d, nil
		}
		u, err := s.users.User(ctx, name)
		if isNotFound(err) {
			disabled[name] = false
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("asset: user %s: %w", name, err)
		}
		disabled[name] = u.Disabled
		return u.Disabled, nil
	}
	var out []Assignment
	q := Query{Limit: MaxPage}
	for {
		page, next, err := s.searchRecords(ctx, q, recordFields)
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			c := cat.AssetClass(a.Class)
			if c == nil || a.Status == RetiredStatus(c) {
				continue
			}
			for _, r := range c.Relations {
				if r.Target != "user" {
					continue
				}
				for _, name := range a.Relations[r.ID.Value] {
					d, err := isDisabled(name)
					if err != nil {
						return nil, err
					}
					if d {
						out = append(out, Assignment{Asset: headOf(a), Relation: r.ID.Value, User: name})
					}
				}
			}
		}
		if next == "" {
			return out, nil
		}
		q.After = next
	}
}
