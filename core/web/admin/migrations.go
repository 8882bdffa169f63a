package admin

import (
	"maps"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

type adminMigrationsView struct {
	// Migrations are those of the definitions in service.
	Migrations []*definition.Migration
	Run        *engine.MigrationRun
	// Migrated is the run's count per migration, in order.
	Migrated []migratedRow
}

type migratedRow struct {
	ID      string
	Tickets int
}

// adminMigrations shows the migrations of the definitions in service and
// what their last run on this instance did: the tickets migrated per
// migration and each ticket left as it was, with why.
func (u *admin) adminMigrations(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	d := adminMigrationsView{Migrations: u.Catalog().Migrations()}
	if run, ok := u.Engine.LastMigrationRun(); ok {
		d.Run = &run
		for _, id := range slices.Sorted(maps.Keys(run.Result.Migrated)) {
			d.Migrated = append(d.Migrated, migratedRow{ID: id, Tickets: run.Result.Migrated[id]})
		}
	}
	return u.Render(c, http.StatusOK, "admin_migrations", &pagekit.View{Lang: l, Title: webkit.Text(l, "migrations_heading"), Area: "admin", Nav: "admin", Data: d})
}
