package engine_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"slices"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// reportTicket is a seeded ticket: when it was created (Berlin time, in
// November 2026 unless said), and its goals' outcome as working minutes
// to the goal (0: not reached) and whether the target passed.
type reportTicket struct {
	number, process, team string
	created               time.Time
	open                  bool
	updated               time.Time
	noSLA                 bool
	respond, resolve      int
	respondLate           bool
	resolveLate           bool
	resolvedAt            time.Time
}

func nov(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, reportZone) }

var reportZone, _ = time.LoadLocation("Europe/Berlin")

func seedReport(t *testing.T, st *store.Store, tickets []reportTicket) {
	t.Helper()
	var docs []any
	for _, r := range tickets {
		tk := &ticket.Ticket{Number: r.number, Process: r.process, Team: r.team, Version: 1, Title: r.number, State: "new",
			Category: "open", Open: r.open, Priority: "medium", Requester: "anna", Created: r.created.UTC(), Updated: r.updated.UTC(), Due: ticket.NoDue}
		if !r.open {
			tk.State, tk.Category = "closed", "closed"
		}
		if !r.noSLA {
			goal := func(name string, minutes int, late bool, met time.Time) ticket.SLAGoal {
				g := ticket.SLAGoal{Name: name, Spec: "4h", Total: 4 * 3600, Breached: late}
				if minutes > 0 {
					g.Elapsed, g.Met = int64(minutes*60), met.UTC()
				}
				return g
			}
			resolvedAt := r.resolvedAt
			if resolvedAt.IsZero() {
				resolvedAt = r.created.Add(time.Duration(r.resolve) * time.Minute)
			}
			tk.SetSLAClock(&ticket.SLAClock{SLA: "it-standard", Calendar: "rathaus", Priority: "medium", Started: r.created.UTC(), State: "running",
				Since: r.created.UTC(), Targets: []ticket.SLAGoal{
					goal("first_response", r.respond, r.respondLate, r.created.Add(time.Duration(r.respond)*time.Minute)),
					goal("resolution", r.resolve, r.resolveLate, resolvedAt)}})
		}
		docs = append(docs, tk)
	}
	if _, err := st.DB().Collection(store.TicketsCollection).InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// TestMonthReport checks the SLA report and the weekly counts of
// November 2026 against a small seeded set: met, breached and open goals,
// median and 90th percentile by nearest rank, tickets without an SLA,
// and tickets outside the month (only in the weeks it touches).
func TestMonthReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seedReport(t, f.store, []reportTicket{
		// IT first level: five incidents in November.
		{number: "INC-1", process: "it-incident", team: "it-1st-level", created: nov(2, 9), updated: nov(2, 12), respond: 10, resolve: 120},
		{number: "INC-2", process: "it-incident", team: "it-1st-level", created: nov(3, 9), updated: nov(4, 9), respond: 30, resolve: 600, resolveLate: true},
		{number: "INC-3", process: "it-incident", team: "it-1st-level", created: nov(10, 9), updated: nov(10, 9), open: true, respond: 20},
		{number: "INC-4", process: "it-incident", team: "it-1st-level", created: nov(11, 9), updated: nov(11, 10), open: true, respondLate: true},
		{number: "INC-5", process: "it-incident", team: "it-1st-level", created: nov(30, 22), updated: nov(30, 23), respond: 50, resolve: 60},
		// Second level, one without an SLA.
		{number: "INC-6", process: "it-incident", team: "it-2nd-level", created: nov(5, 9), updated: nov(6, 9), noSLA: true},
		// Created in October, closed in November: only in the weeks.
		{number: "INC-7", process: "it-incident", team: "it-1st-level", created: time.Date(2026, 10, 30, 9, 0, 0, 0, reportZone),
			updated: nov(2, 10), respond: 5, resolve: 900, resolvedAt: nov(2, 10)},
		// Created in December (Berlin) though still November in UTC: the
		// month is a local one.
		{number: "INC-8", process: "it-incident", team: "it-1st-level", created: time.Date(2026, 12, 1, 0, 30, 0, 0, reportZone),
			updated: time.Date(2026, 12, 1, 0, 30, 0, 0, reportZone), open: true},
	})
	// Seeded as stored before the closing time was kept: the migration
	// fills it in from the resolution goal, else the last change.
	if res, err := f.eng.FillClosingTimes(t.Context(), engine.FillOptions{}); err != nil || !res.Done || res.Filled != 5 {
		t.Fatalf("fill closing times: %+v, %v", res, err)
	}
	reader := &auth.Principal{User: "lea", Permissions: map[string]bool{engine.PermissionReportRead: true}}
	month, err := engine.ParseReportMonth("2026-11", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.eng.MonthReport(t.Context(), reader, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.SLA) != 2 {
		t.Fatalf("rows: %+v", rep.SLA)
	}
	first, second := rep.SLA[0], rep.SLA[1]
	if first.Team != "it-1st-level" || first.Tickets != 5 || first.WithSLA != 5 {
		t.Errorf("first level: %+v", first)
	}
	// First response: 10, 30, 20, 50 minutes in time, one late and not
	// yet reached. Median by nearest rank of 10,20,30,50 is 20; p90 is 50.
	fr := first.FirstResponse
	if fr.Met != 4 || fr.Breached != 1 || fr.Open != 0 || fr.Median != 20*time.Minute || fr.P90 != 50*time.Minute {
		t.Errorf("first response: %+v", fr)
	}
	// Resolution: 120 and 60 in time, 600 late, two still open.
	rs := first.Resolution
	if rs.Met != 2 || rs.Breached != 1 || rs.Open != 2 || rs.Median != 120*time.Minute || rs.P90 != 600*time.Minute {
		t.Errorf("resolution: %+v", rs)
	}
	if second.Team != "it-2nd-level" || second.Tickets != 1 || second.WithSLA != 0 {
		t.Errorf("second level: %+v", second)
	}

	type wk struct {
		monday          string
		team            string
		created, closed int
	}
	var got []wk
	for _, w := range rep.Weeks {
		got = append(got, wk{w.Week.Format(time.DateOnly), w.Team, w.Created, w.Closed})
	}
	want := []wk{
		{"2026-10-26", "it-1st-level", 1, 0}, // INC-7 created on Friday 30 October
		{"2026-11-02", "it-1st-level", 2, 3}, // INC-1, INC-2 created; INC-7, INC-1 closed on the 2nd, INC-2 on the 4th
		{"2026-11-02", "it-2nd-level", 1, 1}, // INC-6
		{"2026-11-09", "it-1st-level", 2, 0}, // INC-3, INC-4
		{"2026-11-30", "it-1st-level", 2, 1}, // INC-5 (created and closed on the 30th), INC-8 on 1 December
	}
	if !slices.Equal(got, want) {
		t.Errorf("weeks:\n got %v\nwant %v", got, want)
	}

	var buf bytes.Buffer
	if err := engine.WriteReport(rep, engine.ReportSLA, "csv", "de", &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 3 || !slices.Equal(recs[1][:10], []string{"2026-11", "it-incident", "it-1st-level", "5", "5", "4", "1", "0", "20", "50"}) {
		t.Errorf("csv: %q %v", recs, err)
	}

	// The exports name process and team by id and, last, by title in
	// the reader's language.
	titles := []struct {
		part, lang string
		want       []string
	}{
		{engine.ReportSLA, "de", []string{"IT-Störung", "IT-Servicedesk (1st Level)"}},
		{engine.ReportSLA, "en", []string{"IT incident", "IT service desk (first level)"}},
		{engine.ReportWeeks, "de", []string{"IT-Servicedesk (1st Level)"}},
		{engine.ReportWeeks, "en", []string{"IT service desk (first level)"}},
	}
	for _, tc := range titles {
		t.Run("titles "+tc.part+" "+tc.lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := engine.WriteReport(rep, tc.part, "csv", tc.lang, &buf); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil || len(recs) < 2 {
				t.Fatalf("csv: %q %v", recs, err)
			}
			head, row := recs[0], recs[1]
			if got := row[len(row)-len(tc.want):]; !slices.Equal(got, tc.want) || !slices.Contains(head, "team_title") {
				t.Errorf("titles %q under %q, want %q", got, head, tc.want)
			}
		})
	}

	for name, actor := range map[string]*auth.Principal{"nobody": nil, "staff without report.read": anna, "an agent": ben} {
		if _, err := f.eng.MonthReport(t.Context(), actor, month); !errors.Is(err, fault.Forbidden) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := engine.ParseReportMonth("November", time.Time{}); !errors.Is(err, fault.Malformed) {
		t.Errorf("a bad month: %v", err)
	}
}
