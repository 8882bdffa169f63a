package asset

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/form"
)

// MaxNameLength bounds an asset's name, in characters.
const MaxNameLength = 200

// Input is what a create, an edit or an import row sets. On an edit, nil
// Name and Status keep the stored value, Data is merged into the stored
// data (a key with a nil value removes it) and Relations replaces the
// targets of the relations it names.
type Input struct {
	Class string
	// Number is a given inventory number (taken over from an older
	// inventory); empty: the class's next number.
	Number    string
	Name      *string
	Status    *string
	Data      map[string]any
	Relations map[string][]string
	// Lang selects the language of validation messages ("de" or "en").
	Lang string
}

// resolver tells the stored number (the number is given in any case), the
// class and the status of an asset a relation points at. Imports resolve
// assets created by other rows of the same file as well.
type resolver func(ctx context.Context, number string) (target resolved, found bool, err error)

// resolved is a relation target as stored.
type resolved struct {
	Number, Class, Status string
	// Containers are the targets of the asset's containment relations
	// (what it is in), for the cycle check.
	Containers []string
}

// userCache remembers which user names exist, for the rows of one import.
type userCache map[string]bool

// build applies in to old (nil: a new asset of class c) and validates the
// result. Field errors are returned as such; err means a check could not
// be made.
func (s *Service) build(ctx context.Context, cat *definition.Catalog, c *definition.AssetClass, old *Asset, in Input, resolve resolver, users userCache) (*Asset, []form.FieldError, error) {
	lang := in.Lang
	next := &Asset{Class: c.ID.Value, Data: map[string]any{}, Relations: map[string][]string{}}
	if old != nil {
		cp := *old
		next = &cp
		next.Data = plainMap(old.Data)
		next.Relations = map[string][]string{}
		for k, v := range old.Relations {
			next.Relations[k] = v
		}
	}
	var errs []form.FieldError
	if old == nil {
		next.Number = in.Number // "" for a number handed out later
	}

	if in.Name != nil {
		next.Name = strings.TrimSpace(*in.Name)
	}
	switch {
	case next.Name == "":
		errs = append(errs, fieldError("name", form.CodeRequired, lang))
	case utf8.RuneCountInString(next.Name) > MaxNameLength:
		errs = append(errs, fieldError("name", form.CodeTooLong, lang))
	case hasControl(next.Name, false) && (old == nil || next.Name != old.Name):
		errs = append(errs, fieldError("name", CodeControlCharacter, lang))
	}

	if in.Status != nil {
		next.Status = strings.TrimSpace(*in.Status)
	}
	if next.Status == "" && old == nil && len(c.Statuses) > 0 {
		next.Status = c.Statuses[0].ID.Value
	}
	if statusIndex(c, next.Status) < 0 {
		errs = append(errs, fieldError("status", CodeUnknownStatus, lang))
	}

	data := next.Data
	if old == nil {
		data = map[string]any{}
	}
	for k, v := range in.Data {
		if v == nil {
			delete(data, k)
		} else {
			data[k] = v
		}
	}
	f, err := s.form(cat, c)
	if err != nil {
		return nil, nil, err
	}
	clean, ferrs, err := f.ValidateContext(ctx, data, lang)
	if err != nil {
		return nil, nil, fmt.Errorf("asset: validate the fields: %w", err)
	}
	for _, e := range ferrs {
		if e.Field != "" {
			e.Field = "data." + e.Field
		}
		errs = append(errs, e)
	}
	if clean == nil {
		clean = map[string]any{}
	}
	var before map[string]any
	if old != nil {
		before = old.Data
	}
	errs = append(errs, controlErrors(c.Fields, clean, before, "data.", lang)...)
	next.Data = clean

	for _, id := range unionKeys(in.Relations, nil) {
		field := "relations." + id
		rel := relation(c, id)
		if rel == nil {
			errs = append(errs, fieldError(field, CodeUnknownRelation, lang))
			continue
		}
		targets := dedupe(in.Relations[id])
		if len(targets) > 1 && !rel.Many {
			errs = append(errs, fieldError(field, form.CodeTooMany, lang))
			continue
		}
		var kept []string
		if old != nil {
			kept = old.Relations[id]
		}
		code := selfReference(rel, next.Number, targets)
		if code == "" {
			code, err = s.checkTargets(ctx, cat, rel, targets, kept, resolve, users)
			if err != nil {
				return nil, nil, err
			}
		}
		if code == "" {
			code, err = checkContainment(ctx, rel, next.Number, targets, resolve)
			if err != nil {
				return nil, nil, err
			}
		}
		if code != "" {
			errs = append(errs, fieldError(field, code, lang))
			continue
		}
		targets = dedupe(targets) // two spellings of one number are one target
		if len(targets) == 0 {
			delete(next.Relations, id)
		} else {
			next.Relations[id] = targets
		}
	}
	next.Targets = targetsOf(next.Relations)
	return next, errs, nil
}

// checkTargets returns the code of the first target that must be refused,
// or "". Asset targets given in another case are replaced by their stored
// number. A retired asset cannot become a target; one the relation held
// already (kept) stays, so that a retirement that was only warned about
// does not make every later edit of the asset pointing at it fail.
func (s *Service) checkTargets(ctx context.Context, cat *definition.Catalog, rel *definition.AssetRelation, targets, kept []string, resolve resolver, users userCache) (string, error) {
	for i, t := range targets {
		switch rel.Target {
		case "asset":
			if !ValidNumber(t) {
				return form.CodeUnknownReference, nil
			}
			target, found, err := resolve(ctx, t)
			if err != nil {
				return "", err
			}
			if !found {
				return form.CodeUnknownReference, nil
			}
			targets[i] = target.Number
			if want := rel.AssetClass.Value; want != "" && target.Class != want {
				return CodeWrongClass, nil
			}
			if tc := cat.AssetClass(target.Class); tc != nil && target.Status == RetiredStatus(tc) && !slices.Contains(kept, target.Number) {
				return CodeRetired, nil
			}
		case "team":
			if cat.Team(t) == nil {
				return form.CodeUnknownReference, nil
			}
		case "user":
			if !auth.ValidName(t) {
				return form.CodeUnknownReference, nil
			}
			if s.users == nil {
				continue
			}
			known, seen := users[t]
			if !seen {
				_, err := s.users.User(ctx, t)
				switch {
				case errors.Is(err, auth.ErrUserNotFound):
				case err != nil:
					return "", fmt.Errorf("asset: look up user %s: %w", t, err)
				default:
					known = true
				}
				if users != nil {
					users[t] = known
				}
			}
			if !known {
				return form.CodeUnknownReference, nil
			}
		}
	}
	return "", nil
}

// resolveStored looks an asset up in the index or the store.
func (s *Service) resolveStored(ctx context.Context, number string) (resolved, bool, error) {
	if s.mem != nil {
		if err := s.Warm(ctx); err != nil {
			return resolved{}, false, err
		}
		a, ok := s.mem.get(number)
		if !ok {
			return resolved{}, false, nil
		}
		return s.resolvedOf(a), true, nil
	}
	a, err := s.load(ctx, number)
	if isNotFound(err) {
		return resolved{}, false, nil
	}
	if err != nil {
		return resolved{}, false, fmt.Errorf("asset: look up %s: %w", number, err)
	}
	return s.resolvedOf(a), true, nil
}

// resolvedOf is a stored asset as a relation target.
func (s *Service) resolvedOf(a *Asset) resolved {
	r := resolved{Number: a.Number, Class: a.Class, Status: a.Status}
	if c := s.catalog().AssetClass(a.Class); c != nil {
		r.Containers = containers(c, a.Relations)
	}
	return r
}

func relation(c *definition.AssetClass, id string) *definition.AssetRelation {
	for i := range c.Relations {
		if c.Relations[i].ID.Value == id {
			return &c.Relations[i]
		}
	}
	return nil
}

// statusIndex is the position of a status in the class's life cycle, or -1.
func statusIndex(c *definition.AssetClass, id string) int {
	for i, st := range c.Statuses {
		if st.ID.Value == id {
			return i
		}
	}
	return -1
}

// RetiredStatus is the last status of a class's life cycle.
func RetiredStatus(c *definition.AssetClass) string {
	if len(c.Statuses) == 0 {
		return ""
	}
	return c.Statuses[len(c.Statuses)-1].ID.Value
}

func dedupe(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}
