package search

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The analyzers of the text fields. Every text is indexed twice, once
// with each, and a query word matches either: German and English texts
// sit side by side in one desk, often in one ticket.
const (
	// analyzerDE folds what bleve's German normaliser folds (ä→a, ö→o,
	// ü→u, ß→ss, and ae/oe/ue→a/o/u, so "Mueller", "Muller" and "Müller"
	// are one word), any other accent (asciifolding: "Café"→"cafe") and
	// stems with the German Snowball stemmer. Not bleve's own "de"
	// analyzer: its light stemmer leaves the genitive "Druckers" as it is,
	// so "Drucker" would not find it. No stop words are dropped: they cost
	// little and keep phrases exact. Compounds are not split:
	// "Strasse" does not find "Hauptstraße".
	analyzerDE = "vorgang_de"
	// analyzerEN folds accents, drops the possessive 's and stems with
	// the English Snowball stemmer ("printers", "printing"→"print").
	analyzerEN = "vorgang_en"
)

// addAnalyzers registers the two analyzers with m.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
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
