package search_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"vorgang/core/search"
)

// benchArticles is an index of n articles of about 250 words each, in
// German and English, drawn from a vocabulary of 2,000 words with a few
// words of the queries among them.
func benchArticles(b *testing.B, n int) *search.Articles {
	b.Helper()
	x, err := search.NewArticles()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"Drucker", "Toner", "Straße", "Antrag", "Gebühr", "Ausweis", "printer", "stellen", "Sperrmüll", "Termin"}
	for i := len(vocab); i < 2000; i++ {
		vocab = append(vocab, fmt.Sprintf("wort%dx", i))
	}
	text := func(words int) string {
		var sb strings.Builder
		for range words {
			sb.WriteString(vocab[rng.IntN(len(vocab))])
			sb.WriteByte(' ')
		}
		return sb.String()
	}
	for i := range n {
		d := search.ArticleDoc{Number: fmt.Sprintf("KB-%d", i+1), Visibility: "internal", Category: "IT", Tags: []string{"drucker"},
			Title: text(5) + "\n" + text(5), Body: text(150) + "\n" + text(100)}
		if err := x.Put(d); err != nil {
			b.Fatal(err)
		}
	}
	return x
}

// BenchmarkArticleSearch runs a query with words over 2,000 articles
// as a member of staff, a page of 20 with its snippets. Besides the time
// it reports the CPU of the process per query (cpu-ns/op), the steadier
// figure on a shared machine.
func BenchmarkArticleSearch(b *testing.B) {
	x := benchArticles(b, 2000)
	queries := []string{"Drucker Toner", "Gebühr", `"Antrag stellen"`, "Sperrmuell Termin", "printers"}
	scope := search.ArticleScope{Staff: true, Teams: []string{"it"}}
	b.ResetTimer()
	start := processCPU(b)
	for i := 0; i < b.N; i++ {
		if _, _, err := x.Find(b.Context(), search.ArticleQuery{Text: queries[i%len(queries)], Scope: scope, Limit: 20}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkArticleIndex fills an index of 2,000 articles, as the first
// search after a start does.
func BenchmarkArticleIndex(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benchArticles(b, 2000)
	}
}
