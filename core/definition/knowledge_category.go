package definition

import "strings"

// KnowledgeCategory declares a category of the knowledge base whose
// articles are reviewed before a saved version is published. Categories
// themselves stay free names typed by editors; only those that need a
// rule are declared.
type KnowledgeCategory struct {
	Meta   `yaml:",inline"`
	Review *KnowledgeReview `yaml:"review"`
}

// KnowledgeReview says who reviews the articles of a category.
type KnowledgeReview struct {
	// Role, when set, is the role a reviewer must hold; empty: every
	// writer of articles reviews.
	Role Ref `yaml:"role"`
}

// Names are the category names an article's category is matched against:
// the id and the titles, folded to lower case.
func (k *KnowledgeCategory) Names() []string {
	out := []string{strings.ToLower(k.ID.Value)}
	for _, t := range []string{k.Title.De, k.Title.En} {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && t != out[0] && (len(out) < 2 || out[1] != t) {
			out = append(out, t)
		}
	}
	return out
}

// KnowledgeCategoryOf returns the declared category an article's category
// names (by id or title, case ignored), or nil.
func (c *Catalog) KnowledgeCategoryOf(name string) *KnowledgeCategory {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil
	}
	for _, k := range c.KnowledgeCategories() {
		for _, n := range k.Names() {
			if n == name {
				return k
			}
		}
	}
	return nil
}

// checkKnowledgeCategory checks the reviewer role.
func (b *builder) checkKnowledgeCategory(k *KnowledgeCategory, r reporter) {
	if k.Review != nil {
		b.ref(r, "Role", k.Review.Role)
	}
}

// checkKnowledgeCategoryNames reports a category that answers to a name
// an earlier one already answers to: an article's category must lead to
// one rule.
func (b *builder) checkKnowledgeCategoryNames() {
	names := map[string]string{}
	for _, d := range b.order {
		k, ok := d.def.(*KnowledgeCategory)
		if !ok {
			continue
		}
		for _, n := range k.Names() {
			if other, taken := names[n]; taken {
				r := d.r
				r.errorf(k.Title.Pos, "duplicate_name", "knowledge category '%s': the name '%s' is already knowledge category '%s'", k.ID.Value, n, other)
				continue
			}
			names[n] = k.ID.Value
		}
	}
}
