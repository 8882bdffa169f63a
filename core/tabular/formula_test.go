package tabular_test

import (
	"testing"

	"vorgang/core/tabular"
)

func TestEscapeFormula(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"equals", "=1+1", "'=1+1"},
		{"plus", "+1+1", "'+1+1"},
		{"minus", "-A1", "'-A1"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"an apostrophe before a formula gets one more", "'=1+1", "''=1+1"},
		{"plain text", "Raum 'A'", "Raum 'A'"},
		{"a negative number", "-5", "-5"},
		{"a decimal comma", "+3,5", "+3,5"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tabular.EscapeFormula(tt.in)
			if got != tt.want {
				t.Errorf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if back := tabular.UnescapeFormula(got); back != tt.in {
				t.Errorf("UnescapeFormula(%q) = %q, want %q", got, back, tt.in)
			}
		})
	}
}
