package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang"
	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/store"
)

// seedTickets stores n IT incidents in a fresh data folder and returns it.
func seedTickets(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	loader, err := definition.NewLoader(vorgang.Schemas())
	if err != nil {
		t.Fatal(err)
	}
	files, err := (definitionSource{embedded: true}).read()
	if err != nil {
		t.Fatal(err)
	}
	cat, diags := loader.Compile(files)
	if cat == nil {
		t.Fatal(diags)
	}
	st, err := app.OpenStore(t.Context(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		_, err := eng.Create(t.Context(), &auth.Principal{User: "anna"}, engine.CreateRequest{Process: "it-incident",
			Data: map[string]any{"summary": "Monitor flackert", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAuditVerify(t *testing.T) {
	dir := seedTickets(t, 3)
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"audit", "verify", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("intact histories: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "ok: the history of 3 tickets is intact") {
		t.Fatalf("output: %s", out.String())
	}

	st, err := app.OpenStore(t.Context(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.DB().Collection(store.HistoryCollection).UpdateOne(t.Context(),
		bson.D{{Key: "_id", Value: store.HistoryID("INC-2026-000002", 1)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "actor", Value: "mallory"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(t.Context(), []string{"audit", "verify", "--data", dir}, &out, &errOut); code != 1 {
		t.Fatalf("tampered history: exit %d, want 1\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "INC-2026-000002: entry 1:") || !strings.Contains(out.String(), "1 of 3 tickets") {
		t.Fatalf("output: %s", out.String())
	}
	out.Reset()
	if code := run(t.Context(), []string{"audit", "verify", "--data", dir, "INC-2026-000001"}, &out, &errOut); code != 0 {
		t.Fatalf("one intact ticket: exit %d\n%s", code, out.String())
	}
}

// A backup written by an earlier version restores, and `vorgang audit
// verify` finds every history intact.
func TestAuditVerifyEarlierVersion(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"restore", "--data", dir, "../../core/engine/testdata/history-v1.tar.gz"}, &out, &errOut); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run(t.Context(), []string{"audit", "verify", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("audit verify: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "ok: the history of 11 tickets is intact") {
		t.Fatalf("output: %s", out.String())
	}
}

// `vorgang audit seal` migrates a store written by an earlier version:
// every history is sealed and still verifies; a second run seals nothing.
func TestAuditSealEarlierVersion(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"restore", "--data", dir, "../../core/engine/testdata/history-v1.tar.gz"}, &out, &errOut); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"sealed 11 of 11 tickets", "sealed 0 of 11 tickets"} {
		out.Reset()
		if code := run(t.Context(), []string{"audit", "seal", "--data", dir}, &out, &errOut); code != 0 || !strings.Contains(out.String(), want) {
			t.Fatalf("audit seal: exit %d, want %q\n%s%s", code, want, out.String(), errOut.String())
		}
	}
	out.Reset()
	if code := run(t.Context(), []string{"audit", "verify", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("audit verify after sealing: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
