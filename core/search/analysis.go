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
	// "Strasse" does not find "Hauptstraße". The articles' index uses it
	// and analyzerEN, each text in two fields.
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
// opened from disk finds its analyzer's filters there by name.
func registerFilters() error {
	registerOnce.Do(func() {
		registerOnce.err = registry.RegisterTokenFilter(filterBilingual,
			func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return bilingualFilter{}, nil })
		if registerOnce.err != nil {
			registerOnce.err = fmt.Errorf("search: register token filter: %w", registerOnce.err)
		}
	})
	return registerOnce.err
}

// textAnalyzer is analyzerText as a value, for analysing query words the
// way the index analysed the texts.
var textAnalyzer analysis.Analyzer = &analysis.DefaultAnalyzer{
	Tokenizer:    unicode.NewUnicodeTokenizer(),
	TokenFilters: []analysis.TokenFilter{lowercase.NewLowerCaseFilter(), bilingualFilter{}},
}

// bilingualFilter turns each lowercased token into its German form (folded
// like analyzerDE, German Snowball stem) and, when it differs, its English
// form (folded, possessive dropped, English Snowball stem) at the same
// position and offsets.
type bilingualFilter struct{}

var (
	folding    = asciifolding.New()
	normaliseD = de.NewGermanNormalizeFilter()
	stemDE     = de.NewGermanStemmerFilter()
	possessive = en.NewPossessiveFilter()
	stemEN     = en.NewEnglishStemmerFilter()
)

// Filter implements analysis.TokenFilter.
func (bilingualFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	english := make(analysis.TokenStream, len(input))
	for i, t := range input {
		t.Term = folding.Filter(t.Term)
		e := *t
		e.Term = append([]byte(nil), t.Term...)
		english[i] = &e
	}
	stemDE.Filter(normaliseD.Filter(input))
	stemEN.Filter(possessive.Filter(english))
	out := make(analysis.TokenStream, 0, len(input)+len(input)/2)
	for i, t := range input {
		out = append(out, t)
		if string(english[i].Term) != string(t.Term) {
			out = append(out, english[i])
		}
	}
	return out
}
