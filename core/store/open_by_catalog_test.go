package store

import (
	"fmt"
	"reflect"
	"testing"

	"vorgang/core/ticket"
)

// TestOpenByCatalog counts the open tickets per definition version they
// started on; finished tickets do not count.
func TestOpenByCatalog(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for i, c := range []struct {
			catalog string
			open    bool
		}{{"c1", true}, {"c1", true}, {"c2", true}, {"c2", false}, {"c3", false}} {
			tk := newTicket(fmt.Sprintf("V-2026-%06d", i+1))
			tk.Catalog, tk.Open = c.catalog, c.open
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Type: "created"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.OpenByCatalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []CatalogCount{{"c1", 2}, {"c2", 1}}; !reflect.DeepEqual(got, want) {
			t.Errorf("OpenByCatalog = %+v, want %+v", got, want)
		}
	})
}
