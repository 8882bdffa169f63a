package admin

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/web/internal/webkit"
)

// stateDiagram draws a process's states and transitions as SVG: states in
// columns by their distance from the initial state, forward transitions as
// straight arrows, transitions back or within a column as arcs. The page
// lists the transitions as a table too, for everyone who cannot see it.
type stateDiagram struct {
	svg   template.HTML
	Title string
}

// SVG returns the drawing.
func (d stateDiagram) SVG() template.HTML { return d.svg }

const (
	boxW, boxH = 180, 50
	colGap     = 110
	rowGap     = 40
	margin     = 30
)

type placedState struct {
	s    *definition.State
	col  int
	row  int
	x, y int
}

func newStateDiagram(p *definition.Process, l webkit.Lang) stateDiagram {
	title := fmt.Sprintf(webkit.Text(l, "diagram_title"), p.Title.In(string(l)))
	// Columns: breadth-first distance from the initial state.
	col := map[string]int{}
	start := p.InitialState()
	if start != nil {
		col[start.ID.Value] = 0
		queue := []string{start.ID.Value}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for i := range p.Transitions {
				tr := &p.Transitions[i]
				if !p.StartsFrom(tr, cur) {
					continue
				}
				if _, seen := col[tr.To.Value]; !seen {
					col[tr.To.Value] = col[cur] + 1
					queue = append(queue, tr.To.Value)
				}
			}
		}
	}
	maxCol := 0
	for _, c := range col {
		maxCol = max(maxCol, c)
	}
	placed := map[string]*placedState{}
	rows := map[int]int{}
	maxRow := 0
	for i := range p.States {
		s := &p.States[i]
		c, ok := col[s.ID.Value]
		if !ok {
			c = maxCol + 1
		}
		ps := &placedState{s: s, col: c, row: rows[c]}
		rows[c]++
		maxRow = max(maxRow, ps.row)
		ps.x = margin + c*(boxW+colGap)
		ps.y = margin + 20 + ps.row*(boxH+rowGap)
		placed[s.ID.Value] = ps
	}
	cols := maxCol + 1
	for _, ps := range placed {
		cols = max(cols, ps.col+1)
	}
	width := 2*margin + cols*boxW + (cols-1)*colGap
	height := 2*margin + 40 + (maxRow+1)*boxH + maxRow*rowGap + 60

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="vg-diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" role="img" aria-labelledby="diagram-title">`, width, height, width)
	fmt.Fprintf(&b, `<title id="diagram-title">%s</title>`, template.HTMLEscapeString(title))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#1b1b1b"></path></marker></defs>`)
	type edge struct{ from, to string }
	labels := map[edge][]string{}
	var order []edge
	for i := range p.Transitions {
		tr := &p.Transitions[i]
		for j := range p.States {
			from := p.States[j].ID.Value
			if !p.StartsFrom(tr, from) {
				continue
			}
			for _, to := range diagramTargets(p, tr, from) {
				e := edge{from, to}
				if _, ok := labels[e]; !ok {
					order = append(order, e)
				}
				labels[e] = append(labels[e], webkit.TransitionTitle(tr).In(string(l)))
			}
		}
	}
	arc := 0
	for _, e := range order {
		a, z := placed[e.from], placed[e.to]
		if a == nil || z == nil {
			continue
		}
		label := template.HTMLEscapeString(strings.Join(labels[e], ", "))
		if r := []rune(label); len(r) > 28 {
			label = string(r[:27]) + "…"
		}
		if z.col > a.col {
			x1, y1 := a.x+boxW, a.y+boxH/2
			x2, y2 := z.x, z.y+boxH/2
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1b1b1b" stroke-width="1.5" marker-end="url(#arrow)"></line>`, x1, y1, x2, y2)
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="#1b1b1b">%s</text>`, (x1+x2)/2, (y1+y2)/2-6, label)
			continue
		}
		// Back (or sideways) edges arc below the boxes, each a little
		// deeper than the one before, so they do not overlap.
		arc++
		x1, x2 := a.x+boxW/2-10, z.x+boxW/2+10
		y1, y2 := a.y+boxH, z.y+boxH
		depth := max(y1, y2) + 18 + arc*10
		fmt.Fprintf(&b, `<path d="M %d %d C %d %d, %d %d, %d %d" fill="none" stroke="#5a5a5a" stroke-width="1.2" stroke-dasharray="5 3" marker-end="url(#arrow)"></path>`,
			x1, y1, x1, depth, x2, depth, x2, y2)
	}
	for i := range p.States {
		ps := placed[p.States[i].ID.Value]
		fill, stroke := "#ffffff", "#0b4f8a"
		switch ps.s.Category {
		case definition.CategoryResolved:
			fill, stroke = "#e6f4ea", "#1e6b34"
		case definition.CategoryClosed, definition.CategoryCancelled:
			fill, stroke = "#eeeeee", "#4a4a4a"
		}
		width := 2
		if ps.s == start {
			width = 4
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="%s" stroke="%s" stroke-width="%d"></rect>`, ps.x, ps.y, boxW, boxH, fill, stroke, width)
		name := template.HTMLEscapeString(webkit.StateTitle(p, ps.s.ID.Value, false).In(string(l)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" font-weight="bold" text-anchor="middle" fill="#1b1b1b">%s</text>`, ps.x+boxW/2, ps.y+21, name)
		cat := webkit.Text(l, "category_"+ps.s.Category)
		if ps.s == start {
			cat = webkit.Text(l, "diagram_start") + " · " + cat
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="#1b1b1b">%s</text>`, ps.x+boxW/2, ps.y+39, template.HTMLEscapeString(cat))
	}
	b.WriteString(`</svg>`)
	return stateDiagram{svg: template.HTML(b.String()), Title: title}
}

// diagramTargets are the states tr may lead to from the state from: its
// 'to', or for a way back (to: $previous) every state another transition
// comes into from from — the arrows back to where a ticket may have been.
func diagramTargets(p *definition.Process, tr *definition.Transition, from string) []string {
	if !tr.ToPrevious() {
		return []string{tr.To.Value}
	}
	var out []string
	for i := range p.Transitions {
		o := &p.Transitions[i]
		if o.ToPrevious() || o.To.Value != from {
			continue
		}
		for j := range p.States {
			origin := p.States[j].ID.Value
			if origin != from && p.StartsFrom(o, origin) && !slices.Contains(out, origin) {
				out = append(out, origin)
			}
		}
	}
	return out
}
