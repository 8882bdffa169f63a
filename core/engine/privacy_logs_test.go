package engine_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

// TestLogsHoldNoPersonalValues: a citizen request's whole life — opened,
// replied to, answered, found and anonymised on request, swept by
// retention — logs at every level without a value of its personal fields
// or the citizen's texts.
func TestLogsHoldNoPersonalValues(t *testing.T) {
	t.Parallel()
	var logs testkit.LogBuffer
	cat := testkit.Desks(t)
	clk := testkit.NewClock(clock)
	st := openStore(t)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Now: clk.Now, Logger: logs.Logger(slog.LevelDebug)})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{eng: eng, store: st}
	ctx := t.Context()
	tk := personalRequest(t, f)
	if _, err := eng.FindSubject(ctx, privacyOfficer, engine.Subject{Email: "erika@example.org"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(400 * 24 * time.Hour)
	if _, err := eng.EnforceRetention(ctx, engine.RetentionRun{}); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Anonymise(ctx, tk.Number, engine.Anonymisation{Reason: ticket.ReasonRequest, Request: "DSR-2", Requester: true}); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, tk.Number) {
		t.Fatalf("nothing was logged about %s:\n%s", tk.Number, out)
	}
	for _, personal := range []string{"erika", "Erika", "Mustermann", "0351", "Brandt", tk.Tracking} {
		if strings.Contains(out, personal) {
			t.Errorf("the log holds %q:\n%s", personal, out)
		}
	}
}
