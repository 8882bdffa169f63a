package engine_test

import (
	"fmt"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// BenchmarkMigrate migrates 2,000 open tickets from umzugV1 to umzugV2
// (a state merged, a field renamed, a value mapped, a default filled) and
// reports tickets per second.
//
//	go test ./core/engine -run '^$' -bench BenchmarkMigrate -benchtime 1x
func BenchmarkMigrate(b *testing.B) {
	const n = 2000
	v1 := testkit.Compile(b, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV1)}})
	v2 := testkit.Compile(b, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(umzugV2)}})
	for range b.N {
		b.StopTimer()
		live := definition.NewLive(v1)
		eng, err := engine.New(engine.Deps{Store: openStore(b), Catalog: live.Catalog, Now: func() time.Time { return clock }})
		if err != nil {
			b.Fatal(err)
		}
		root := &auth.Principal{User: "root", Admin: true}
		for i := range n {
			if _, err := eng.Create(b.Context(), root, engine.CreateRequest{Process: "umzug", Data: map[string]any{"betreff": fmt.Sprint("Umzug ", i), "art": "buero"}}); err != nil {
				b.Fatal(err)
			}
		}
		live.Swap(v2)
		b.StartTimer()
		start := time.Now()
		res, err := eng.Migrate(b.Context(), engine.MigrateOptions{})
		elapsed := time.Since(start)
		if err != nil || res.Migrated["umzug-2027"] != n {
			b.Fatalf("Migrate = %+v, %v", res, err)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "tickets/s")
	}
}
