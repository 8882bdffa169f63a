package knowledge

import "strings"

// Op says what happened to a line between two versions.
type Op string

// The operations of a diff.
const (
	Keep   Op = "keep"
	Remove Op = "remove"
	Add    Op = "add"
)

// DiffLine is one line of a diff.
type DiffLine struct {
	Op   Op
	Text string
}

// maxDiffCells bounds the table of the longest common subsequence; two
// texts beyond it are shown as all removed and all added.
const maxDiffCells = 4_000_000

// DiffLines is the line diff of two texts: the longest common sequence of
// lines is kept, the rest removed from a or added from b.
func DiffLines(a, b string) []DiffLine {
	x, y := lines(a), lines(b)
	if len(x)*len(y) > maxDiffCells {
		out := make([]DiffLine, 0, len(x)+len(y))
		for _, l := range x {
			out = append(out, DiffLine{Remove, l})
		}
		for _, l := range y {
			out = append(out, DiffLine{Add, l})
		}
		return out
	}
	// lcs[i][j] is the length of the common sequence of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{Keep, x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{Remove, x[i]})
			i++
		default:
			out = append(out, DiffLine{Add, y[j]})
			j++
		}
	}
	for ; i < len(x); i++ {
		out = append(out, DiffLine{Remove, x[i]})
	}
	for ; j < len(y); j++ {
		out = append(out, DiffLine{Add, y[j]})
	}
	return out
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
