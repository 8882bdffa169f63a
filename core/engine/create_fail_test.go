package engine_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/store/storetest"
)

// diskFiller is an asset register that fills the disk when it is told of
// a new ticket, which happens after the create has claimed its key and
// number and before it stores anything else.
type diskFiller struct {
	t    *testing.T
	dir  string
	once sync.Once
	free func()
}

func (d *diskFiller) LinkTicket(context.Context, *auth.Principal, string, string) error {
	d.once.Do(func() { d.free = storetest.FillDisk(d.t, d.dir) })
	return nil
}

func (d *diskFiller) UnlinkTicket(context.Context, string, string) error { return nil }

// TestFailedCreateFreesItsClaim: a create that fails half-way (the disk
// runs full after its key and number were claimed) gives both back at
// once: its retry succeeds as soon as space is freed, without waiting for
// a restart, and the numbers have no gap.
func TestFailedCreateFreesItsClaim(t *testing.T) {
	t.Parallel()
	cat := testkit.Desks(t)
	for _, tt := range []struct {
		name string
		key  string
	}{
		{"create with an idempotency key", "k-1"},
		{"create without a key", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := storetest.SmallDisk(t, "8m")
			st, err := store.Open(t.Context(), store.Config{DataDir: dir, Collections: engine.Schema(), Logger: quietLog()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close(context.Background()) })
			filler := &diskFiller{t: t, dir: dir}
			eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Assets: filler, Logger: quietLog(),
				Now: func() time.Time { return clock }})
			if err != nil {
				t.Fatal(err)
			}
			data := incident("single", "low")
			data["category"], data["affected_asset"] = "workstation", "IT000001"
			data["description"] = strings.Repeat("Der Rechner startet neu, sobald das Fachverfahren geöffnet wird. ", 30)
			req := engine.CreateRequest{Process: "it-incident", Data: data, IdempotencyKey: tt.key}

			_, err = eng.Create(t.Context(), ben, req)
			if !errors.Is(err, store.ErrDiskFull) {
				t.Fatalf("create on a disk that runs full: %v, want ErrDiskFull", err)
			}
			filler.free()
			tk, err := eng.Create(t.Context(), ben, req)
			if err != nil {
				t.Fatalf("retry after space was freed: %v", err)
			}
			next, err := eng.Create(t.Context(), ben, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
			if err != nil {
				t.Fatal(err)
			}
			if got := tk.Number + " " + next.Number; got != "INC-2026-000001 INC-2026-000002" {
				t.Errorf("numbers %s, want INC-2026-000001 INC-2026-000002", got)
			}
		})
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
