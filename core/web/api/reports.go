package api

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webkit"
)

// The reports of the API: the SLA figures of a month and the weekly
// created and closed counts, as JSON or (with format) as a file. The
// engine decides who may see them (report.read).

func registerReports(v1 fiber.Router, a *api) {
	v1.Get("/reports/sla", a.report(engine.ReportSLA))
	v1.Get("/reports/weekly", a.report(engine.ReportWeeks))
}

type goalJSON struct {
	Met           int   `json:"met"`
	Breached      int   `json:"breached"`
	Open          int   `json:"open"`
	MedianSeconds int64 `json:"median_seconds"`
	P90Seconds    int64 `json:"p90_seconds"`
}

func toGoalJSON(f engine.GoalFigures) goalJSON {
	return goalJSON{Met: f.Met, Breached: f.Breached, Open: f.Open, MedianSeconds: int64(f.Median / time.Second), P90Seconds: int64(f.P90 / time.Second)}
}

func (a *api) report(part string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := staff(c)
		if err != nil {
			return err
		}
		month, err := engine.ParseReportMonth(c.Query("month"), time.Now())
		if err != nil {
			return webkit.FaultError(err)
		}
		format := ""
		if f := c.Query("format"); f != "" {
			if format, err = engine.ParseExportFormat(f); err != nil {
				return webkit.FaultError(err)
			}
		}
		rep, err := a.Engine.MonthReport(c.UserContext(), p, month)
		if err != nil {
			return webkit.FaultError(err)
		}
		if format != "" {
			name := fmt.Sprintf("%s-%s%s", part, rep.Month.Format("2006-01"), engine.ExportExtension(format))
			// Read before the stream: the request is gone when its body is written.
			lang := string(webkit.RequestLang(c))
			return webkit.StreamFile(c, engine.ExportContentType(format), name, func(_ context.Context, w io.Writer) {
				_ = engine.WriteReport(rep, part, format, lang, w)
			})
		}
		out := fiber.Map{"month": rep.Month.Format("2006-01")}
		if part == engine.ReportSLA {
			rows := make([]fiber.Map, len(rep.SLA))
			for i, r := range rep.SLA {
				rows[i] = fiber.Map{"process": r.Process, "team": r.Team, "tickets": r.Tickets, "with_sla": r.WithSLA,
					"first_response": toGoalJSON(r.FirstResponse), "resolution": toGoalJSON(r.Resolution)}
			}
			out["rows"] = rows
		} else {
			rows := make([]fiber.Map, len(rep.Weeks))
			for i, w := range rep.Weeks {
				y, n := w.Week.ISOWeek()
				rows[i] = fiber.Map{"week": fmt.Sprintf("%d-W%02d", y, n), "monday": w.Week.Format(time.DateOnly), "team": w.Team,
					"created": w.Created, "closed": w.Closed}
			}
			out["rows"] = rows
		}
		return c.JSON(out)
	}
}
