package search

import (
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// The analyzers of the text fields.
const (
	// analyzerText is the analyzer of the tickets' texts: one pass that
	// gives each word its German stem and, where it differs, its English
	// stem at the same position (bilingualFilter). German and English
	// texts sit side by side in one desk, often in one ticket; a query
	// word matches by either stem. Indexing each text once with this
	// instead of twice (once per language, in two fields) halves the
	// fields and leaves out the English tokens that equal the German
	// ones: about a third less CPU per ticket in a rebuild. And since the
	// folding happens on the tokens, not on the text before the tokenizer
	// (a char filter), a token's offsets point into the text as stored:
	// the snippets mark the word found, also after an umlaut, and also a
	// word found by its English stem.
	analyzerText = "vorgang_text"
	// analyzerDE folds what bleve's German normaliser folds (ä→a, ö→o,
	// ü→u, ß→ss, and ae/oe/ue→a/o/u, so "Mueller", "Muller" and "Müller"
	// are one word), any other accent (asciifolding: "Café"→"cafe") and
	// stems with the German Snowball stemmer. Not bleve's own "de"
	// analyzer: its light stemmer leaves the genitive "Druckers" as it is,
	// so "Drucker" would not find it. No stop words are dropped: they cost
	// little and keep phrases exact. Compounds are not split:
	// "Strasse" does not find "Hauptstraße". No index analyses with it
	// or analyzerEN any more; they stay in the mapping, which is part of
	// the layout of the tickets' index on disk.
	analyzerDE = "vorgang_de"
	// analyzerEN folds accents, drops the possessive 's and stems with
	// the English Snowball stemmer ("printers", "printing"→"print").
	analyzerEN = "vorgang_en"
	// filterBilingual is the name bilingualFilter is registered under.
	filterBilingual = "vorgang_bilingual"
)

// addAnalyzers registers the analyzers with m.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	if err := registerFilters(); err != nil {
		return err
	}
	if err := m.AddCustomAnalyzer(analyzerText, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, filterBilingual},
	}); err != nil {
		return err
	}
	if err := m.AddCustomAnalyzer(analyzerDE, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, de.NormalizeName, de.SnowballStemmerName},
	}); err != nil {
		return err
	}
	return m.AddCustomAnalyzer(analyzerEN, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{en.PossessiveName, lowercase.Name, en.SnowballStemmerName},
	})
}

var registerOnce struct {
	sync.Once
	err error
}

// registerFilters adds bilingualFilter to bleve's registry, once: an index
// opened from disk finds its analyzer's filters there by name. Each index
// gets a filter of its own, with its own memo of stems.
func registerFilters() error {
	registerOnce.Do(func() {
		registerOnce.err = registry.RegisterTokenFilter(filterBilingual,
			func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
				return &bilingualFilter{memo: &stemMemo{stems: map[string]stems{}}}, nil
			})
		if registerOnce.err != nil {
			registerOnce.err = fmt.Errorf("search: register token filter: %w", registerOnce.err)
		}
	})
	return registerOnce.err
}

// textAnalyzer is analyzerText as a value, for analysing query words the
// way the index analysed the texts (without a memo: queries are short).
var textAnalyzer analysis.Analyzer = &analysis.DefaultAnalyzer{
	Tokenizer:    unicode.NewUnicodeTokenizer(),
	TokenFilters: []analysis.TokenFilter{lowercase.NewLowerCaseFilter(), &bilingualFilter{}},
}

// bilingualFilter turns each lowercased token into its German form (folded
// like analyzerDE, German Snowball stem) and, when it differs, its English
// form (folded, possessive dropped, English Snowball stem) at the same
// position and offsets.
type bilingualFilter struct {
	// memo, when set, keeps the stems of words seen: words recur (by
	// Zipf's law, a few thousand make most of a text), and folding and the
	// two stemmers were a quarter of a rebuild's CPU.
	memo *stemMemo
}

// stems are a word's German and English forms; en is nil when it equals
// de. Shared by every token of the word: their capacity is their length,
// so an append copies them.
type stems struct{ de, en []byte }

// stemMemo is a bounded memo of stems, safe for concurrent use (bleve
// analyses documents on several goroutines).
type stemMemo struct {
	mu    sync.RWMutex
	stems map[string]stems
}

// memoSize bounds the memo: about 100 bytes a word, so at most ~10 MB;
// the words seen first stay (the frequent ones, mostly).
const memoSize = 100_000

func (m *stemMemo) get(word []byte) (stems, bool) {
	m.mu.RLock()
	s, ok := m.stems[string(word)]
	m.mu.RUnlock()
	return s, ok
}

func (m *stemMemo) put(word []byte, s stems) {
	m.mu.Lock()
	if len(m.stems) < memoSize {
		m.stems[string(word)] = s
	}
	m.mu.Unlock()
}

var (
	folding    = asciifolding.New()
	normaliseD = de.NewGermanNormalizeFilter()
	stemDE     = de.NewGermanStemmerFilter()
	possessive = en.NewPossessiveFilter()
	stemEN     = en.NewEnglishStemmerFilter()
)

// Filter implements analysis.TokenFilter.
func (f *bilingualFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)+len(input)/2)
	for _, t := range input {
		s, ok := stems{}, false
		if f.memo != nil {
			s, ok = f.memo.get(t.Term)
		}
		if !ok {
			s = stemsOf(t.Term)
			if f.memo != nil {
				f.memo.put(t.Term, s)
			}
		}
		t.Term = s.de
		out = append(out, t)
		if s.en != nil {
			e := *t
			e.Term = s.en
			out = append(out, &e)
		}
	}
	return out
}

// stemsOf is the stems of one lowercased word.
func stemsOf(word []byte) stems {
	folded := folding.Filter(word)
	d := &analysis.Token{Term: folded}
	e := &analysis.Token{Term: append([]byte(nil), folded...)}
	stemDE.Filter(normaliseD.Filter(analysis.TokenStream{d}))
	stemEN.Filter(possessive.Filter(analysis.TokenStream{e}))
	s := stems{de: exact(d.Term)}
	if string(e.Term) != string(d.Term) {
		s.en = exact(e.Term)
	}
	return s
}

// exact is a copy of b whose capacity is its length: it shares no memory
// with the text analysed (the memo would keep that alive), and an append
// to it copies.
func exact(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}
