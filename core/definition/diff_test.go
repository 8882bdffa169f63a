package definition_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"vorgang/core/definition"
)

// edit returns the files with every old replaced by new in the file whose
// path ends in suffix; new "" with old "" drops the file.
func edit(tb testing.TB, files []definition.File, suffix, old, new string) []definition.File {
	tb.Helper()
	out := slices.Clone(files)
	for i, f := range out {
		if !strings.HasSuffix(f.Path, suffix) {
			continue
		}
		if old == "" && new == "" {
			return slices.Delete(out, i, i+1)
		}
		if !strings.Contains(string(f.Data), old) {
			tb.Fatalf("%s does not contain %q", f.Path, old)
		}
		out[i].Data = []byte(strings.ReplaceAll(string(f.Data), old, new))
		return out
	}
	tb.Fatalf("no file ends in %s", suffix)
	return nil
}

// TestDiff lists what a change of the definitions changes, per definition
// and per state, transition, field and SLA target; where a definition was
// written does not count.
func TestDiff(t *testing.T) {
	l := newLoader(t)
	desks := readDesks(t)
	base, diags := compile(t, l, desks)
	if base == nil {
		t.Fatal(diags)
	}
	tests := []struct {
		name  string
		files []definition.File
		want  []string
	}{
		{"nothing", desks, nil},
		{"a comment moves every line down", edit(t, desks, "it/it-incident.yaml", "apiVersion", "# moved\n\napiVersion"), nil},
		{"a state's title", edit(t, desks, "it/it-incident.yaml", "Wartet auf Rückmeldung", "Wartet auf Antwort"),
			[]string{"Process it-incident: state waiting changed"}},
		{"a state renamed is one removed and one added", edit(t, desks, "processes/fleet/fleet-booking.yaml", "on_the_road", "unterwegs"),
			[]string{"Process fleet-booking: state unterwegs added", "Process fleet-booking: state on_the_road removed",
				"Process fleet-booking: transition hand_over changed", "Process fleet-booking: transition return_vehicle changed"}},
		{"a field added", edit(t, desks, "forms/fleet/fleet-booking.yaml", "  - id: passengers\n", "  - id: driver\n    type: text\n    label: Fahrer\n  - id: passengers\n"),
			[]string{"Form fleet-booking: field driver added"}},
		{"a desk removed", edit(t, edit(t, desks, "processes/fleet/fleet-booking.yaml", "", ""), "forms/fleet/fleet-booking.yaml", "", ""),
			[]string{"Form fleet-booking removed", "Form fleet-handover removed", "Form fleet-repair removed", "Form fleet-return removed",
				"Process fleet-booking removed", "Process fleet-repair removed", "Role fleet-manager removed", "Role fleet-mechanic removed",
				"Team fleet-office removed", "Team fleet-workshop removed"}},
		{"a script", edit(t, desks, "scripts/fleet/fleet-damage-report.lua", "if not data.damage then", "if data.damage ~= true then"),
			[]string{"Script fleet-damage-report changed"}},
		{"an SLA target", edit(t, desks, "it/it-standard.yaml", "{priority: low, first_response: 1d, resolution: 10d}", "{priority: low, first_response: 1d, resolution: 5d}"),
			[]string{"SLA it-standard: target low changed"}},
	}
	t.Run("a change says where it is", func(t *testing.T) {
		next, _ := compile(t, l, tests[2].files)
		got := definition.Diff(base, next)
		if len(got) != 1 || got[0].String() != "processes/it/it-incident.yaml:26:10: Process it-incident: state waiting changed" {
			t.Errorf("Diff = %v", got)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, diags := compile(t, l, tt.files)
			if next == nil {
				t.Fatalf("the edited desks do not compile:\n%s", formatDiags(diags))
			}
			var got []string
			for _, c := range definition.Diff(base, next) {
				s := c.String()
				got = append(got, s[strings.Index(s, ": ")+2:])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
