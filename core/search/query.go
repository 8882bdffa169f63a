package search

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// MaxPage is the largest page Search returns.
const MaxPage = 100

// Scope is what the asker may see, as the engine decided it. The index
// applies it inside the query: tickets outside it are never matched, so
// they are neither on a page nor in the total.
type Scope struct {
	// All: every ticket (ticket.read_all, administrators).
	All bool
	// Users: tickets one of these users requested, is assigned or decides
	// (Doc.Viewers).
	Users []string
	// Teams: tickets of these teams.
	Teams []string
	// Internal: internal comments are searched and quoted.
	Internal bool
}

// Query is one search.
type Query struct {
	// Text is the words to find; "quoted words" are a phrase. Every word
	// and phrase must occur (in any of the ticket's texts); a ticket
	// number finds its ticket.
	Text string
	// Filters; empty: any.
	Process, State, Team string
	// CreatedFrom and CreatedTo bound the creation time (from inclusive,
	// to exclusive); zero: open.
	CreatedFrom, CreatedTo time.Time
	Scope                  Scope
	// Offset and Limit page the hits (Limit 0: 20, at most MaxPage).
	Offset, Limit int
}

// Hit is one found ticket.
type Hit struct {
	Number, Title, Process, State, Team string
	Created                             time.Time
	Score                               float64
	// Snippets are passages of the matching texts by field (title, data,
	// public, internal) as HTML: the text escaped, the found words in
	// <mark>. A field where nothing was found has none.
	Snippets map[string][]string
}

// Result is a page of hits and how many there are in all.
type Result struct {
	Total uint64
	// TotalAtLeast: Total is a lower bound. A phrase over a big index
	// is checked in the newest tickets until the page is full; older
	// tickets are not searched for it (see searchWindows).
	TotalAtLeast bool
	Hits         []Hit
	Took         time.Duration
}

// Search runs q. Hits are ranked by relevance, in no given order among
// equals: a second sort key (the creation time) made every query read that
// field of every match, several times the cost of the query at 10k
// tickets. Over a big index the newest tickets come first, window by
// window, ranked by relevance inside each (searchWindows). A query of
// filters alone lists the newest tickets first.
func (x *Index) Search(ctx context.Context, q Query) (*Result, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, MaxPage)
	offset := max(q.Offset, 0)
	fields := []string{fieldTitle, fieldProcess, fieldState, fieldTeam, fieldCreated}
	words, phrases := splitText(q.Text)
	began := time.Now()
	var page search.DocumentMatchCollection
	var total uint64
	var atLeast bool
	if len(words) > 0 || len(phrases) > 0 {
		bounds, err := x.windows()
		if err != nil {
			return nil, err
		}
		page, total, atLeast, err = x.searchWindows(ctx, build(q), bounds, fields, offset, limit, len(phrases) > 0)
		if err != nil {
			return nil, err
		}
	} else {
		req := bleve.NewSearchRequestOptions(build(q), limit, offset, false)
		req.Fields = fields
		if len(words) == 0 && len(phrases) == 0 {
			// Filters alone: no score to rank by, the newest ticket first.
			req.SortBy([]string{"-" + fieldCreated})
		}
		res, err := x.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		page, total = res.Hits, res.Total
	}
	passages, err := x.highlight(ctx, q, page)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: total, TotalAtLeast: atLeast, Took: time.Since(began), Hits: make([]Hit, 0, len(page))}
	for _, h := range page {
		out.Hits = append(out.Hits, hitOf(h, passages[h.ID], q.Scope))
	}
	return out, nil
}

// highlight returns the snippets of the hits of a page by ticket
// (marks.go): the query's words and phrases again, narrowed to the page's
// tickets, with highlighting. Asking for it in the first query made bleve read the
// positions of the words in every matching ticket, not only in the twenty
// shown: at 100k tickets the same queries took 1.6 times the CPU
// (docs/benchmarks.md). The page's tickets passed the scope and the
// filters already, so the second query leaves those clauses out (5–8%
// less CPU a query at 100k); the fields it quotes are still those the
// scope may search.
func (x *Index) highlight(ctx context.Context, q Query, hits search.DocumentMatchCollection) (map[string]map[string][]string, error) {
	if words, phrases := splitText(q.Text); len(hits) == 0 || len(words) == 0 && len(phrases) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	text := build(Query{Text: q.Text, Scope: Scope{All: true, Internal: q.Scope.Internal}})
	return snippets(ctx, x.idx, text, ids, textFields(q.Scope)...)
}

func hitOf(h *search.DocumentMatch, passages map[string][]string, scope Scope) Hit {
	str := func(f string) string { s, _ := h.Fields[f].(string); return s }
	hit := Hit{Number: h.ID, Title: str(fieldTitle), Process: str(fieldProcess), State: str(fieldState), Team: str(fieldTeam),
		Score: h.Score, Snippets: map[string][]string{}}
	if c, err := time.Parse(time.RFC3339, str(fieldCreated)); err == nil {
		hit.Created = c
	}
	for field, s := range passages {
		if field == fieldInternal && !scope.Internal {
			continue // never asked for; a second lock on the door
		}
		hit.Snippets[field] = s
	}
	return hit
}

// textFields are the texts the scope may search.
func textFields(s Scope) []string {
	f := []string{fieldTitle, fieldData, fieldPublic}
	if s.Internal {
		f = append(f, fieldInternal)
	}
	return f
}

// build is the whole query: the words, the filters and the scope, all
// required.
func build(q Query) query.Query {
	var must []query.Query
	if !q.Scope.All {
		// A match-all clause would make the conjunction walk every
		// document: All adds no clause at all.
		must = append(must, scopeQuery(q.Scope))
	}
	words, phrases := splitText(q.Text)
	fields := textFields(q.Scope)
	for _, w := range words {
		any := []query.Query{}
		for _, f := range fields {
			if m := wordQuery(w, f); m != nil {
				any = append(any, m)
			}
		}
		if looksLikeNumber(w) {
			t := query.NewTermQuery(strings.ToUpper(w))
			t.SetField(fieldNumber)
			t.SetBoost(10)
			any = append(any, t)
		}
		if len(any) == 0 {
			continue // no word in it to find, as "-"
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	for _, p := range phrases {
		any := []query.Query{}
		for _, f := range fields {
			m := query.NewMatchPhraseQuery(p)
			m.SetField(f)
			any = append(any, m)
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	for _, f := range []struct{ field, value string }{{fieldProcess, q.Process}, {fieldState, q.State}, {fieldTeam, q.Team}} {
		if f.value != "" {
			t := query.NewTermQuery(f.value)
			t.SetField(f.field)
			must = append(must, t)
		}
	}
	if !q.CreatedFrom.IsZero() || !q.CreatedTo.IsZero() {
		incl, excl := true, false
		r := query.NewDateRangeInclusiveQuery(q.CreatedFrom, q.CreatedTo, &incl, &excl)
		r.SetField(fieldCreated)
		must = append(must, r)
	}
	switch len(must) {
	case 0:
		return query.NewMatchAllQuery()
	case 1:
		return must[0]
	}
	return query.NewConjunctionQuery(must)
}

// wordQuery finds w in field: w analysed as the texts were, each of its
// parts required ("IT-2026-0001" or "e-mail" is one word to the asker),
// each part found by its German or its English stem (the tokens at one
// position). bleve's match query would require every token, both stems
// too. Nil when w has no part to find.
func wordQuery(w, field string) query.Query {
	var parts []query.Query
	var alts []query.Query
	pos := -1
	flush := func() {
		switch len(alts) {
		case 0:
		case 1:
			parts = append(parts, alts[0])
		default:
			parts = append(parts, query.NewDisjunctionQuery(alts))
		}
		alts = nil
	}
	for _, tok := range textAnalyzer.Analyze([]byte(w)) {
		if tok.Position != pos {
			flush()
			pos = tok.Position
		}
		t := query.NewTermQuery(string(tok.Term))
		t.SetField(field)
		alts = append(alts, t)
	}
	flush()
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	return query.NewConjunctionQuery(parts)
}

// scopeQuery matches the tickets a scope without All allows; nothing for
// an empty scope.
func scopeQuery(s Scope) query.Query {
	var any []query.Query
	for _, u := range s.Users {
		t := query.NewTermQuery(u)
		t.SetField(fieldViewers)
		any = append(any, t)
	}
	for _, team := range s.Teams {
		t := query.NewTermQuery(team)
		t.SetField(fieldTeam)
		any = append(any, t)
	}
	if len(any) == 0 {
		return query.NewMatchNoneQuery()
	}
	d := query.NewDisjunctionQuery(any)
	// Permission decides what is found, not how well it ranks.
	d.SetBoost(0)
	return d
}

// splitText cuts a query into words and "quoted phrases". A quote left
// open runs to the end.
func splitText(text string) (words, phrases []string) {
	for i, part := range strings.Split(text, `"`) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if i%2 == 1 {
			phrases = append(phrases, part)
			continue
		}
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }) {
			if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
				words = append(words, w)
			}
		}
	}
	return words, phrases
}

// looksLikeNumber: a ticket number has letters, digits and dashes, e.g.
// IT-2026-000123.
func looksLikeNumber(w string) bool {
	return strings.Contains(w, "-") && strings.IndexFunc(w, unicode.IsDigit) >= 0
}
