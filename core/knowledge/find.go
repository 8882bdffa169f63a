package knowledge

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"vorgang/core/store"
)

// Query asks for a page of articles.
type Query struct {
	// Text: words, each of which must occur in the title, body or tags of
	// one language, ignoring case, umlauts and ß ("Strasse" finds
	// "Straße"). Empty: every article, newest change first.
	Text string
	// Category and Tag filter; empty: any.
	Category, Tag string
	// Lang ranks a match in this language's text higher.
	Lang string
	// Offset and Limit page the result (Limit 0: 20, at most MaxPage).
	Offset, Limit int
}

// MaxPage bounds a page.
const MaxPage = 100

// Page is one page of a query's articles, best first.
type Page struct {
	Articles []Article
	// Total counts the articles the scope sees that match the query.
	Total int
	// Snippets are, by article number, the passages of the body with the
	// words found in <mark>, the text escaped: safe to put into a page.
	// Only a search of the full-text index has them (Deps.Index).
	Snippets map[string]template.HTML
}

// Find returns the articles scope reads that match q. The scope is
// applied before ranking and paging, so Total counts only what the asker
// may read.
func (s *Service) Find(ctx context.Context, scope Scope, q Query) (*Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, MaxPage)
	if s.index != nil && strings.TrimSpace(q.Text) != "" {
		return s.findIndexed(ctx, scope, q, limit)
	}
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	words := terms(q.Text)
	type hit struct {
		a     *Article
		score int
	}
	var hits []hit
	for i := range all {
		a := &all[i]
		if !scope.Sees(a) || (q.Category != "" && a.Category != q.Category) || (q.Tag != "" && !slices.Contains(a.Tags, q.Tag)) {
			continue
		}
		score, ok := match(a, words, q.Lang)
		if ok {
			hits = append(hits, hit{a, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		if !hits[i].a.Updated.Equal(hits[j].a.Updated) {
			return hits[i].a.Updated.After(hits[j].a.Updated)
		}
		return hits[i].a.Number < hits[j].a.Number
	})
	p := &Page{Total: len(hits)}
	for i := max(q.Offset, 0); i < len(hits) && len(p.Articles) < limit; i++ {
		p.Articles = append(p.Articles, *hits[i].a)
	}
	return p, nil
}

// all reads every article.
func (s *Service) all(ctx context.Context) ([]Article, error) {
	var out []Article
	if err := s.store.Find(ctx, ArticlesCollection, store.Find{Shape: shapeAll}, &out); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return out, nil
}

// Category is a category with the number of articles in it.
type Category struct {
	Name  string
	Count int
}

// Categories lists the categories of the articles scope reads, by name.
func (s *Service) Categories(ctx context.Context, scope Scope) ([]Category, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for i := range all {
		if scope.Sees(&all[i]) {
			counts[all[i].Category]++
		}
	}
	out := make([]Category, 0, len(counts))
	for name, n := range counts {
		out = append(out, Category{Name: name, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// match reports whether every word occurs in a and how well: a word in
// the title counts most, then in the tags or category, then in the body; a match in
// lang counts double.
func match(a *Article, words []string, lang string) (int, bool) {
	if len(words) == 0 {
		return 0, true
	}
	tags := fold(strings.Join(a.Tags, " ") + " " + a.Category)
	best, found := 0, false
	for l, t := range a.Texts {
		title, body := fold(t.Title), fold(t.Body)
		score, all := 0, true
		for _, w := range words {
			switch {
			case strings.Contains(title, w):
				score += 6
			case strings.Contains(tags, w):
				score += 3
			case strings.Contains(body, w):
				score++
			default:
				all = false
			}
		}
		if !all {
			continue
		}
		if l == lang {
			score *= 2
		}
		found = true
		best = max(best, score)
	}
	return best, found
}

// terms are the folded words of a query.
func terms(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// fold lowercases s, writes ß as ss, drops accents and umlaut dots and
// reads ae, oe and ue as a, o and u, so "Straße", "STRASSE" and "strasse"
// compare equal, as do "Müll", "Muell" and "Mull". Both the query and the
// text are folded, so the letters lost never tell two words apart that
// the query would not.
func fold(s string) string {
	s = strings.NewReplacer("ae", "a", "oe", "o", "ue", "u").Replace(strings.ToLower(s))
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'ß':
			b.WriteString("ss")
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
