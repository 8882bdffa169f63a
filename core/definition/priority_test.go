package definition_test

import (
	"slices"
	"testing"
)

// TestPrioritiesComeFromTheSchema: the catalog lists the priority scale of
// the definition language, most urgent first, and a caller cannot change
// it.
func TestPrioritiesComeFromTheSchema(t *testing.T) {
	cat, diags := compile(t, newLoader(t), readDesks(t))
	if cat == nil {
		t.Fatalf("shipped desks do not compile:\n%v", diags)
	}
	want := []string{"critical", "high", "medium", "low"}
	got := cat.Priorities()
	if !slices.Equal(got, want) {
		t.Fatalf("Priorities() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if cat.Priorities()[0] != "critical" {
		t.Errorf("Priorities() hands out the catalog's own slice")
	}
}
