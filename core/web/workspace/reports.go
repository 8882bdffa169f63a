package workspace

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The reports page: the SLA figures of a month per process and team, and
// what each team's queue took in and finished per week, as tables with
// server-drawn bar charts beside them (no JavaScript), and as downloads.
// The engine decides who may see them (report.read).

type reportsView struct {
	Month, Prev, Next string
	// MonthTitle is the month for people, e.g. "November 2026".
	MonthTitle string
	SLA        []slaRowView
	Weeks      []weekRowView
	Charts     []barChart
}

type slaRowView struct {
	Process, Team                      definition.Label
	Tickets, WithSLA                   int
	FirstResponse, Resolution          engine.GoalFigures
	FRMedian, FRP90, ResMedian, ResP90 string
}

type weekRowView struct {
	Week            string // "KW 45" or "Week 45"
	Monday          time.Time
	Team            definition.Label
	Created, Closed int
}

func (u *workspace) registerReports(r fiber.Router) {
	r.Get("/reports", u.reportsPage)
	r.Get("/reports/export", u.reportsExport)
}

// monthReport reads ?month= and asks the engine for the report.
func (u *workspace) monthReport(c *fiber.Ctx) (*engine.Report, error) {
	month, err := engine.ParseReportMonth(c.Query("month"), u.Now())
	if err != nil {
		return nil, webkit.FaultError(err)
	}
	rep, err := u.Engine.MonthReport(c.UserContext(), pagekit.UIPrincipal(c), month)
	if err != nil {
		return nil, webkit.FaultError(err)
	}
	return rep, nil
}

func (u *workspace) reportsPage(c *fiber.Ctx) error {
	rep, err := u.monthReport(c)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	d := reportsView{Month: rep.Month.Format("2006-01"), Prev: rep.Month.AddDate(0, -1, 0).Format("2006-01"),
		Next: rep.Month.AddDate(0, 1, 0).Format("2006-01"), MonthTitle: monthTitle(l, rep.Month)}
	frChart := barChart{ID: "chart-first-response", Title: webkit.Text(l, "report_chart_first_response"), Unit: " %"}
	resChart := barChart{ID: "chart-resolution", Title: webkit.Text(l, "report_chart_resolution"), Unit: " %"}
	for _, r := range rep.SLA {
		v := slaRowView{Process: r.ProcessTitle, Team: r.TeamTitle, Tickets: r.Tickets, WithSLA: r.WithSLA,
			FirstResponse: r.FirstResponse, Resolution: r.Resolution,
			FRMedian: workTime(l, r.FirstResponse.Median), FRP90: workTime(l, r.FirstResponse.P90),
			ResMedian: workTime(l, r.Resolution.Median), ResP90: workTime(l, r.Resolution.P90)}
		d.SLA = append(d.SLA, v)
		label := v.Process.In(string(l)) + " · " + v.Team.In(string(l))
		frChart.Bars = append(frChart.Bars, bar{Label: label, N: share(r.FirstResponse)})
		resChart.Bars = append(resChart.Bars, bar{Label: label, N: share(r.Resolution)})
	}
	weekChart := barChart{ID: "chart-weeks", Title: webkit.Text(l, "report_chart_weeks")}
	for _, w := range rep.Weeks {
		_, n := w.Week.ISOWeek()
		v := weekRowView{Week: fmt.Sprintf("%s %d", webkit.Text(l, "report_week_short"), n), Monday: w.Week,
			Team: w.TeamTitle, Created: w.Created, Closed: w.Closed}
		d.Weeks = append(d.Weeks, v)
		label := v.Week + " · " + v.Team.In(string(l))
		weekChart.Bars = append(weekChart.Bars, bar{Label: label + " · " + webkit.Text(l, "report_created"), N: int64(w.Created)},
			bar{Label: label + " · " + webkit.Text(l, "report_closed"), N: int64(w.Closed)})
	}
	if len(d.SLA) > 0 {
		d.Charts = append(d.Charts, frChart, resChart)
	}
	if len(d.Weeks) > 0 {
		d.Charts = append(d.Charts, weekChart)
	}
	return u.Render(c, http.StatusOK, "reports", &pagekit.View{Lang: l, Title: webkit.Text(l, "report_heading") + " " + d.MonthTitle,
		Area: "app", Nav: "reports", Data: d})
}

func (u *workspace) reportsExport(c *fiber.Ctx) error {
	format, err := engine.ParseExportFormat(c.Query("format"))
	if err != nil {
		return webkit.FaultError(err)
	}
	part := c.Query("part", engine.ReportSLA)
	if part != engine.ReportSLA && part != engine.ReportWeeks {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest}
	}
	rep, err := u.monthReport(c)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s%s", part, rep.Month.Format("2006-01"), engine.ExportExtension(format))
	// Read before the stream: the request is gone when its body is written.
	lang := string(webkit.PageLang(c))
	return webkit.StreamFile(c, engine.ExportContentType(format), name, func(_ context.Context, w io.Writer) {
		_ = engine.WriteReport(rep, part, format, lang, w)
	})
}

// share is the percentage of a goal's decided outcomes that were met.
func share(f engine.GoalFigures) int64 {
	if n := f.Met + f.Breached; n > 0 {
		return int64((f.Met*100 + n/2) / n)
	}
	return 0
}

// workTime shows a working time in hours and minutes; none is "–".
func workTime(l webkit.Lang, d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case l == webkit.LangEN && h == 0:
		return fmt.Sprintf("%d min", m)
	case l == webkit.LangEN:
		return fmt.Sprintf("%d h %d min", h, m)
	case h == 0:
		return fmt.Sprintf("%d Min.", m)
	}
	return fmt.Sprintf("%d Std. %d Min.", h, m)
}

var monthNames = map[webkit.Lang][]string{
	webkit.LangDE: {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	webkit.LangEN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func monthTitle(l webkit.Lang, m time.Time) string {
	names := monthNames[l]
	if names == nil {
		names = monthNames[webkit.LangDE]
	}
	return fmt.Sprintf("%s %d", names[m.Month()-1], m.Year())
}
