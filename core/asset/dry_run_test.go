package asset_test

import (
	"errors"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/fault"
)

func TestParseDryRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    bool
		refused bool
	}{
		{"", false, false},
		{"true", true, false}, {"TRUE", true, false}, {"1", true, false}, {"yes", true, false},
		{"on", true, false}, {"ja", true, false}, {" Ja ", true, false},
		{"false", false, false}, {"0", false, false}, {"no", false, false}, {"off", false, false},
		{"nein", false, false}, {"NEIN", false, false},
		{"t", false, true}, {"y", false, true}, {"2", false, true}, {"dry", false, true}, {"yes please", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := asset.ParseDryRun(tt.in)
			if tt.refused {
				if !errors.Is(err, fault.Malformed) || fault.Code(err) != asset.CodeBadDryRun {
					t.Fatalf("ParseDryRun(%q) = %v, %v; want a malformed-request error", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDryRun(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}
