package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
)

// vorgang reindex builds the search index of the data folder from the
// tickets stored there; the server then finds them without building it.
func TestReindex(t *testing.T) {
	dir := seedTickets(t, 3)
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"reindex", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("reindex exited %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "indexed 3 tickets") {
		t.Errorf("output %q", out.String())
	}
	cat := func() *definition.Catalog { return nil }
	a, err := app.New(t.Context(), app.Config{DataDir: dir, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	res, err := a.Engine.Search(t.Context(), &auth.Principal{User: "admin", Admin: true}, engine.SearchRequest{Text: "flackert"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 {
		t.Errorf("found %d tickets, want 3", res.Total)
	}
	if code := run(t.Context(), []string{"reindex", "--data", dir, "extra"}, &out, &errOut); code != 2 {
		t.Errorf("reindex with an argument exited %d, want 2", code)
	}
}
