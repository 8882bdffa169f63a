package store

import (
	"slices"
	"testing"
)

// TestNextNumberBatchSkipsTaken: concurrent callers of one store, whose
// cache lags behind numbers another process claimed, get the numbers after
// those, each once and without a gap.
func TestNextNumberBatchSkipsTaken(t *testing.T) {
	const goroutines, each = 8, 5
	tests := []struct {
		name  string
		taken int // numbers the other process claims behind the cache
	}{
		{"nothing taken", 0},
		{"one taken", 1},
		{"more taken than callers", goroutines + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := openEmbedded(t, lowerTempDir(t))
			other := openURI(t, owner.embedded.uri, DefaultDatabase)
			ctx := t.Context()
			for range 3 {
				if _, err := owner.NextNumber(ctx, "s"); err != nil {
					t.Fatal(err)
				}
			}
			for range tt.taken {
				if _, err := other.NextNumber(ctx, "s"); err != nil {
					t.Fatal(err)
				}
			}
			got := drawNumbers(t, []*Store{owner}, "s", goroutines, each)
			slices.Sort(got)
			var want []int64
			for n := int64(3 + tt.taken + 1); n <= int64(3+tt.taken+goroutines*each); n++ {
				want = append(want, n)
			}
			if !slices.Equal(got, want) {
				t.Errorf("numbers = %v, want %v", got, want)
			}
		})
	}
}
