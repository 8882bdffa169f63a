package knowledge

import (
	"context"
	"fmt"
	"sort"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// Versions returns every version of the article, newest first, if actor
// may read the article. A version whose document a crash kept from being
// written is left out, but for the latest, which is the article itself.
func (s *Service) Versions(ctx context.Context, actor *auth.Principal, number string) ([]Version, error) {
	a, err := s.Get(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, a.Version)
	for v := int64(1); v <= a.Version; v++ {
		ids = append(ids, versionID(number, v))
	}
	var out []Version
	if err := s.store.GetMany(ctx, VersionsCollection, ids, &out); err != nil {
		return nil, fmt.Errorf("versions of article %s: %w", number, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	if len(out) == 0 || out[0].Version != a.Version {
		out = append([]Version{{ID: versionID(number, a.Version), Article: number, Version: a.Version, Author: a.UpdatedBy, At: a.Updated, Content: *a.Latest()}}, out...)
	}
	return out, nil
}

// Version returns one version of the article.
func (s *Service) Version(ctx context.Context, actor *auth.Principal, number string, version int64) (*Version, error) {
	all, err := s.Versions(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Version == version {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("article %s version %d: %w", number, version, fault.NotFound)
}

// Change is the difference of one part of an article between two
// versions.
type Change struct {
	// Field names the part: "title_de", "body_en", "category", "tags",
	// "visibility", "team", "owner", "review_at".
	Field string
	// Lines are the lines of a text, each kept, removed or added; a
	// field of one line has one removed and one added line.
	Lines []DiffLine
}

// Diff compares two versions of the article: from the older to the newer.
// Parts that are equal are left out.
func (s *Service) Diff(ctx context.Context, actor *auth.Principal, number string, from, to int64) ([]Change, error) {
	all, err := s.Versions(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	var a, b *Version
	for i := range all {
		switch all[i].Version {
		case from:
			a = &all[i]
		case to:
			b = &all[i]
		}
	}
	if a == nil || b == nil {
		return nil, fmt.Errorf("diff article %s %d..%d: %w", number, from, to, fault.NotFound)
	}
	return diffContent(&a.Content, &b.Content), nil
}

// diffContent compares two contents part by part.
func diffContent(a, b *Content) []Change {
	var out []Change
	add := func(field, x, y string) {
		if x != y {
			out = append(out, Change{Field: field, Lines: DiffLines(x, y)})
		}
	}
	for _, l := range Languages {
		add("title_"+l, a.Texts[l].Title, b.Texts[l].Title)
		add("body_"+l, a.Texts[l].Body, b.Texts[l].Body)
	}
	add("category", a.Category, b.Category)
	add("tags", joinTags(a.Tags), joinTags(b.Tags))
	add("visibility", string(a.Visibility), string(b.Visibility))
	add("team", a.Team, b.Team)
	add("owner", a.Owner, b.Owner)
	add("review_at", dateOf(a), dateOf(b))
	return out
}

func joinTags(tags []string) string {
	s := ""
	for i, t := range tags {
		if i > 0 {
			s += ", "
		}
		s += t
	}
	return s
}

func dateOf(c *Content) string {
	if c.ReviewAt.IsZero() {
		return ""
	}
	return c.ReviewAt.Format("2006-01-02")
}
