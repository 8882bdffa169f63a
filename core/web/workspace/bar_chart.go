package workspace

import (
	"fmt"
	"html/template"
	"strings"
)

// barChart is a horizontal bar chart drawn as inline SVG on the server.
// Every bar carries its number as text, so nothing depends on colour, and
// the page shows the same figures as a table.
type barChart struct {
	ID    string
	Title string
	Bars  []bar
	// Unit follows every number, e.g. " %".
	Unit string
}

type bar struct {
	Label string
	N     int64
}

const (
	chartWidth  = 640
	chartLabelW = 230
	chartBarMax = 340
	chartRowH   = 30
)

// SVG renders the chart. Its text is escaped here; the result is safe to
// put into a page as is.
func (b barChart) SVG() template.HTML {
	var max int64 = 1
	for _, x := range b.Bars {
		if x.N > max {
			max = x.N
		}
	}
	h := len(b.Bars)*chartRowH + 10
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="vg-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title">`, chartWidth, h, b.ID)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, b.ID, template.HTMLEscapeString(b.Title))
	for i, x := range b.Bars {
		y := 5 + i*chartRowH
		w := int(float64(chartBarMax) * float64(x.N) / float64(max))
		if x.N > 0 && w < 2 {
			w = 2
		}
		label := x.Label
		if r := []rune(label); len(r) > 30 {
			label = string(r[:29]) + "…"
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" font-size="14" fill="#1b1b1b">%s</text>`, chartLabelW-8, y+19, template.HTMLEscapeString(label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="#0b4f8a"></rect>`, chartLabelW, y+4, w, chartRowH-10)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="14" fill="#1b1b1b">%d%s</text>`, chartLabelW+w+6, y+19, x.N, template.HTMLEscapeString(b.Unit))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}
