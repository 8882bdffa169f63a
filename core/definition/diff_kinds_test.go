package definition

import (
	"reflect"
	"testing"
)

// TestDiffKnowsEveryKind: every kind the catalog holds is compared by
// Diff, so a new kind cannot change unnoticed.
func TestDiffKnowsEveryKind(t *testing.T) {
	maps := 0
	ct := reflect.TypeFor[Catalog]()
	for i := range ct.NumField() {
		if f := ct.Field(i); f.Type.Kind() == reflect.Map {
			maps++
		}
	}
	if got := len(newCatalog().byKind()); got != maps {
		t.Errorf("Diff compares %d kinds; the catalog holds %d", got, maps)
	}
}
