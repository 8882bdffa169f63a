package engine_test

import (
	"slices"
	"strings"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// antragDesk is a desk of two processes; states and files are edited per
// case.
func antragDesk(antragStates, antragStart string, withBescheid bool) []definition.File {
	files := []definition.File{{Path: "processes/antrag.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Process
id: antrag
title: Antrag
form: antrag
audience: [staff]
states:
` + antragStates + `
transitions:
  - {id: pruefen, from: [` + antragStart + `], to: in_pruefung}
  - {id: entscheiden, from: [in_pruefung], to: entschieden}
---
apiVersion: vorgang/v1
kind: Form
id: antrag
title: Antrag
fields:
  - {id: summary, type: text, label: Betreff}
`)}}
	if withBescheid {
		files = append(files, definition.File{Path: "processes/bescheid.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Process
id: bescheid
title: Bescheid
form: antrag
audience: [staff]
states:
  - {id: offen, category: open}
  - {id: zu, category: closed}
transitions:
  - {id: schliessen, from: [offen], to: zu}
`)})
	}
	return files
}

// renamed replaces old by new in every file.
func renamed(files []definition.File, old, new string) []definition.File {
	out := slices.Clone(files)
	for i := range out {
		out[i].Data = []byte(strings.ReplaceAll(string(out[i].Data), old, new))
	}
	return out
}

const antragStates = `  - {id: eingang, category: open}
  - {id: in_pruefung, category: open}
  - {id: entschieden, category: closed}`

// TestStrands: a change of the definitions that removes a state or a
// process names the open tickets it would leave without a way on, with the
// removal that does it; a change that keeps their states strands nothing,
// and finished tickets never count.
func TestStrands(t *testing.T) {
	t.Parallel()
	desk := antragDesk(antragStates, "eingang", true)
	f := fixtureFor(t, desk)
	ctx := t.Context()
	root := &auth.Principal{User: "root", Admin: true}
	var numbers []string
	for _, process := range []string{"antrag", "antrag", "antrag", "antrag", "bescheid"} {
		tk, err := f.eng.Create(ctx, root, engine.CreateRequest{Process: process, Data: map[string]any{"summary": "x"}})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, tk.Number)
	}
	for _, step := range []struct {
		ticket     int
		transition string
	}{{0, "pruefen"}, {1, "pruefen"}, {1, "entscheiden"}} {
		if _, err := f.eng.Transition(ctx, root, numbers[step.ticket], engine.TransitionRequest{Transition: step.transition}); err != nil {
			t.Fatal(err)
		}
	}
	// Open: the first antrag in_pruefung, the third and fourth eingang,
	// the bescheid offen. Finished: the second antrag.
	from := testkit.Compile(t, desk)
	tests := []struct {
		name string
		to   []definition.File
		want []string
	}{
		{"unchanged", desk, nil},
		{"a state's title", antragDesk(strings.Replace(antragStates, "{id: eingang, category: open}", "{id: eingang, category: open, title: Eingang}", 1), "eingang", true), nil},
		{"a state of open tickets renamed", antragDesk(strings.Replace(antragStates, "eingang", "neu", 1), "neu", true),
			[]string{"processes/antrag.yaml:8:10: Process antrag: state eingang removed: 2 open tickets of antrag in state eingang"}},
		{"a state of finished tickets renamed", renamed(antragDesk(antragStates, "eingang", true), "entschieden", "erledigt"), nil},
		{"a process removed", antragDesk(antragStates, "eingang", false),
			[]string{"processes/bescheid.yaml:3:5: Process bescheid removed: 1 open tickets of bescheid in state offen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.eng.Strands(ctx, from, testkit.Compile(t, tt.to))
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, s := range got {
				lines = append(lines, s.String())
			}
			if !slices.Equal(lines, tt.want) {
				t.Errorf("Strands =\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
