package engine

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/sla"
	"vorgang/core/store"
	"vorgang/core/tabular"
	"vorgang/core/ticket"
)

// ReportStore is what the reports read of the store: the tickets created,
// and those closed, in a range of time, whole and in pages.
type ReportStore interface {
	TicketsBetween(ctx context.Context, by store.TicketTime, from, to time.Time, after store.TicketCursor, limit int) ([]*ticket.Ticket, error)
}

// reportPage is how many tickets a report reads at once.
const reportPage = 500

// PermissionReportRead lets a user see the reports: figures over every
// team and process, never a ticket's content.
const PermissionReportRead = "report.read"

// reportZone is where a month and a week begin: the reports are read by
// the city's departments, whose months are local ones.
var reportZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}()

// Report is the SLA report of one month and the created/closed counts of
// the weeks the month touches.
type Report struct {
	// Month is the first instant of the month (in reportZone).
	Month time.Time
	SLA   []SLARow
	Weeks []WeekRow
}

// SLARow is one process and team's SLA figures for the tickets created
// in the month.
type SLARow struct {
	Process, Team string
	// ProcessTitle and TeamTitle are the titles of the current
	// definitions, the id where there is none (a process or team since
	// removed).
	ProcessTitle, TeamTitle definition.Label
	// Tickets were created in the month; WithSLA of them had an SLA.
	Tickets, WithSLA int
	FirstResponse    GoalFigures
	Resolution       GoalFigures
}

// GoalFigures are the outcomes of one SLA goal over a row's tickets.
// Met counts goals reached in time, Breached those whose target passed
// (reached late or not yet), Open those still running in time. Median and
// P90 are working time (by the SLA's calendar, pauses left out) to the
// goal over the tickets that reached it, in time or late; nearest rank.
type GoalFigures struct {
	Met, Breached, Open int
	Median, P90         time.Duration
	times               []time.Duration
}

// WeekRow is what a team's queue took in and finished in one week
// (Monday to Sunday).
type WeekRow struct {
	Week            time.Time // the Monday, 00:00 in reportZone
	Team            string
	TeamTitle       definition.Label // as SLARow.TeamTitle
	Created, Closed int
}

// ParseReportMonth reads a month as YYYY-MM; "" is the month of now.
func ParseReportMonth(v string, now time.Time) (time.Time, error) {
	if v == "" {
		n := now.In(reportZone)
		return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, reportZone), nil
	}
	m, err := time.ParseInLocation("2006-01", v, reportZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("report: month %q is not YYYY-MM: %w", v, fault.Malformed)
	}
	return m, nil
}

// MonthReport computes the report of the month that starts at month
// (ParseReportMonth). It reads the tickets created in the weeks the month
// touches and those closed in them (by their closing time, closed_at),
// each through its index: a month long past costs what its own tickets
// cost, however many came later. Only holders of report.read (and
// administrators) see it.
func (e *Engine) MonthReport(ctx context.Context, actor *auth.Principal, month time.Time) (*Report, error) {
	if actor == nil || !actor.HasPermission(PermissionReportRead) {
		return nil, fmt.Errorf("report: %w", fault.Forbidden)
	}
	month = month.In(reportZone)
	monthEnd := month.AddDate(0, 1, 0)
	first := mondayOf(month)
	last := mondayOf(monthEnd.Add(-time.Nanosecond)).AddDate(0, 0, 7)

	rows := map[[2]string]*SLARow{}
	weeks := map[string]*WeekRow{}
	week := func(at time.Time, team string) *WeekRow {
		m := mondayOf(at)
		k := m.Format(time.DateOnly) + "|" + team
		w := weeks[k]
		if w == nil {
			w = &WeekRow{Week: m, Team: team}
			weeks[k] = w
		}
		return w
	}
	err := e.ticketsBetween(ctx, store.TicketCreated, first, last, func(t *ticket.Ticket) {
		created := t.Created.In(reportZone)
		week(created, t.Team).Created++
		if created.Before(month) || !created.Before(monthEnd) {
			return
		}
		k := [2]string{t.Process, t.Team}
		r := rows[k]
		if r == nil {
			r = &SLARow{Process: t.Process, Team: t.Team}
			rows[k] = r
		}
		r.Tickets++
		clock, _ := t.SLAClock()
		if clock == nil {
			return
		}
		r.WithSLA++
		for i := range clock.Targets {
			g := &clock.Targets[i]
			switch g.Name {
			case sla.FirstResponse:
				r.FirstResponse.add(g)
			case sla.Resolution:
				r.Resolution.add(g)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = e.ticketsBetween(ctx, store.TicketClosed, first, last, func(t *ticket.Ticket) {
		week(t.ClosedAt, t.Team).Closed++
	})
	if err != nil {
		return nil, err
	}
	rep := &Report{Month: month}
	cat := e.catalog()
	for _, r := range rows {
		r.FirstResponse.finish()
		r.Resolution.finish()
		r.ProcessTitle, r.TeamTitle = processTitle(cat, r.Process), teamTitle(cat, r.Team)
		rep.SLA = append(rep.SLA, *r)
	}
	slices.SortFunc(rep.SLA, func(a, b SLARow) int {
		if a.Process != b.Process {
			return cmpString(a.Process, b.Process)
		}
		return cmpString(a.Team, b.Team)
	})
	for _, w := range weeks {
		w.TeamTitle = teamTitle(cat, w.Team)
		rep.Weeks = append(rep.Weeks, *w)
	}
	slices.SortFunc(rep.Weeks, func(a, b WeekRow) int {
		if c := a.Week.Compare(b.Week); c != 0 {
			return c
		}
		return cmpString(a.Team, b.Team)
	})
	return rep, nil
}

// processTitle is the title of the process id, or the id.
func processTitle(cat *definition.Catalog, id string) definition.Label {
	if p := cat.Process(id); p != nil && !p.Title.IsZero() {
		return p.Title
	}
	return definition.Label{De: id, En: id}
}

// teamTitle is the title of the team id, or the id.
func teamTitle(cat *definition.Catalog, id string) definition.Label {
	if t := cat.Team(id); t != nil && !t.Title.IsZero() {
		return t.Title
	}
	return definition.Label{De: id, En: id}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ticketsBetween calls fn with every ticket whose time by is in [from,
// to), a page at a time.
func (e *Engine) ticketsBetween(ctx context.Context, by store.TicketTime, from, to time.Time, fn func(*ticket.Ticket)) error {
	var after store.TicketCursor
	for {
		page, err := e.store.TicketsBetween(ctx, by, from.UTC(), to.UTC(), after, reportPage)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		for _, t := range page {
			fn(t)
		}
		if len(page) < reportPage {
			return nil
		}
		after = store.CursorOf(by, page[len(page)-1])
	}
}

// mondayOf is the start of the week (Monday 00:00, reportZone) of t.
func mondayOf(t time.Time) time.Time {
	t = t.In(reportZone)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, reportZone)
	back := (int(d.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
	return d.AddDate(0, 0, -back)
}

func (f *GoalFigures) add(g *ticket.SLAGoal) {
	switch {
	case g.Breached:
		f.Breached++
	case !g.Met.IsZero():
		f.Met++
	default:
		f.Open++
	}
	if !g.Met.IsZero() {
		f.times = append(f.times, time.Duration(g.Elapsed)*time.Second)
	}
}

// finish works out the median and the 90th percentile by nearest rank:
// the smallest time that at least that share of the tickets kept.
func (f *GoalFigures) finish() {
	if len(f.times) == 0 {
		return
	}
	slices.Sort(f.times)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(f.times)))) - 1
		return f.times[max(0, i)]
	}
	f.Median, f.P90 = rank(0.5), rank(0.9)
	f.times = nil
}

// SLAColumns and WeekColumns are the columns of the report's exports:
// process and team as ids, which stay the same in every language and
// between months, and last their titles in the reader's language, which
// is what a department head reads.
var (
	SLAColumns = []string{"month", "process", "team", "tickets", "with_sla",
		"first_response_met", "first_response_breached", "first_response_open", "first_response_median_minutes", "first_response_p90_minutes",
		"resolution_met", "resolution_breached", "resolution_open", "resolution_median_minutes", "resolution_p90_minutes",
		"process_title", "team_title"}
	WeekColumns = []string{"week", "monday", "team", "created", "closed", "team_title"}
)

// Report parts an export writes.
const (
	ReportSLA   = "sla"
	ReportWeeks = "weeks"
)

// WriteReport writes one part of r (ReportSLA or ReportWeeks) as a table
// in the format (see ExportTickets), with the titles in lang ("de" or
// "en").
func WriteReport(r *Report, part, format, lang string, w io.Writer) error {
	out, err := tabular.New(w, format, part)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	err = writeReport(r, part, lang, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeReport(r *Report, part, lang string, out tabular.Writer) error {
	itoa := strconv.Itoa
	minutes := func(d time.Duration) string { return strconv.FormatInt(int64(d/time.Minute), 10) }
	switch part {
	case ReportSLA:
		if err := out.Row(SLAColumns...); err != nil {
			return err
		}
		for _, x := range r.SLA {
			f, s := x.FirstResponse, x.Resolution
			if err := out.Row(r.Month.Format("2006-01"), x.Process, x.Team, itoa(x.Tickets), itoa(x.WithSLA),
				itoa(f.Met), itoa(f.Breached), itoa(f.Open), minutes(f.Median), minutes(f.P90),
				itoa(s.Met), itoa(s.Breached), itoa(s.Open), minutes(s.Median), minutes(s.P90),
				x.ProcessTitle.In(lang), x.TeamTitle.In(lang)); err != nil {
				return err
			}
		}
	case ReportWeeks:
		if err := out.Row(WeekColumns...); err != nil {
			return err
		}
		for _, x := range r.Weeks {
			y, wk := x.Week.ISOWeek()
			if err := out.Row(fmt.Sprintf("%d-W%02d", y, wk), x.Week.Format(time.DateOnly), x.Team, itoa(x.Created), itoa(x.Closed), x.TeamTitle.In(lang)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("report: no part %q: %w", part, fault.Malformed)
	}
	return nil
}
