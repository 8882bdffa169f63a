package workspace

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The staff workspace's inboxes. Every list goes through the engine,
// which checks what the user may see.

type inboxView struct {
	Tabs       []inboxTab
	Caption    string
	Rows       []inboxRow
	Next       string
	Filter     inboxFilter
	Processes  []option
	States     []option
	Priorities []option
	// Export is the address of the list's export, without a format.
	Export string
}

type inboxTab struct {
	Label   string
	URL     string
	Current bool
}

type inboxFilter struct {
	View, Team, Process, State, Priority, Q string
}

type option struct {
	Value    string
	Label    definition.Label
	Selected bool
}

type inboxRow struct {
	Number   string
	Title    string
	Process  definition.Label
	State    definition.Label
	Priority string
	PrioKey  string
	Team     definition.Label
	Assignee string
	Due      string
}

func (u *workspace) inbox(c *fiber.Ctx) error {
	actor := pagekit.UIPrincipal(c)
	l := webkit.PageLang(c)
	cat := u.Catalog()
	f, q, err := u.inboxQuery(c)
	if err != nil {
		return err
	}
	teamView := engine.MaySeeTeamQueues(actor)
	var d inboxView
	switch f.View {
	case "team":
		d.Caption = webkit.Text(l, "inbox_caption_team") + " " + cat.Team(f.Team).Title.In(string(l))
	case "requested":
		d.Caption = webkit.Text(l, "inbox_requested")
	default:
		d.Caption = webkit.Text(l, "inbox_mine")
	}
	d.Export = inboxExport(f)
	rows, next, err := u.Engine.Inbox(c.UserContext(), actor, q)
	if err != nil {
		return webkit.FaultError(err)
	}
	d.Filter, d.Next = f, next
	if next != "" {
		vals := url.Values{"view": {f.View}, "after": {next}}
		for k, v := range map[string]string{"team": f.Team, "process": f.Process, "state": f.State, "priority": f.Priority, "q": f.Q} {
			if v != "" && (k != "team" || f.View == "team") {
				vals.Set(k, v)
			}
		}
		d.Next = "/app/?" + vals.Encode()
	}
	if teamView {
		for _, team := range actor.Teams {
			if tm := cat.Team(team); tm != nil {
				d.Tabs = append(d.Tabs, inboxTab{Label: tm.Title.In(string(l)), URL: "/app/?view=team&team=" + url.QueryEscape(team),
					Current: f.View == "team" && f.Team == team})
			}
		}
	}
	d.Tabs = append(d.Tabs,
		inboxTab{Label: webkit.Text(l, "inbox_mine"), URL: "/app/?view=mine", Current: f.View == "mine"},
		inboxTab{Label: webkit.Text(l, "inbox_requested"), URL: "/app/?view=requested", Current: f.View == "requested"})
	for _, h := range rows {
		p := cat.Process(h.Process)
		row := inboxRow{Number: h.Number, Title: h.Title, State: webkit.StateTitle(p, h.State, false), Priority: webkit.Text(l, "prio_"+h.Priority),
			PrioKey: h.Priority, Assignee: h.Assignee, Due: h.Due, Team: definition.Label{De: h.Team, En: h.Team}}
		if p != nil {
			row.Process = p.Title
		}
		if tm := cat.Team(h.Team); tm != nil {
			row.Team = tm.Title
		}
		d.Rows = append(d.Rows, row)
	}
	seenState := map[string]bool{}
	for _, p := range cat.Processes() {
		d.Processes = append(d.Processes, option{Value: p.ID.Value, Label: p.Title, Selected: p.ID.Value == f.Process})
		if f.Process != "" && p.ID.Value != f.Process {
			continue
		}
		for _, s := range p.States {
			if s.Category != definition.CategoryOpen || seenState[s.ID.Value] {
				continue
			}
			seenState[s.ID.Value] = true
			d.States = append(d.States, option{Value: s.ID.Value, Label: webkit.StateTitle(p, s.ID.Value, false), Selected: s.ID.Value == f.State})
		}
	}
	for _, prio := range cat.Priorities() {
		d.Priorities = append(d.Priorities, option{Value: prio, Label: definition.Label{De: webkit.Text(webkit.LangDE, "prio_"+prio), En: webkit.Text(webkit.LangEN, "prio_"+prio)}, Selected: prio == f.Priority})
	}
	return u.Render(c, http.StatusOK, "inbox", &pagekit.View{Lang: l, Title: webkit.Text(l, "inbox_heading"), Area: "app", Nav: "inbox", Data: d})
}

// inboxQuery reads the list an inbox page (and its export) shows: the
// view (a team's queue, one's own tickets, one's requests) and the
// filters, with the defaults a page without them gets.
func (u *workspace) inboxQuery(c *fiber.Ctx) (inboxFilter, ticket.Query, error) {
	actor := pagekit.UIPrincipal(c)
	f := inboxFilter{View: c.Query("view"), Team: c.Query("team"), Process: c.Query("process"),
		State: c.Query("state"), Priority: c.Query("priority"), Q: strings.TrimSpace(c.Query("q"))}
	if f.View == "" {
		f.View = "mine"
		if engine.MaySeeTeamQueues(actor) && len(actor.Teams) > 0 {
			f.View = "team"
		}
	}
	if f.View == "team" && f.Team == "" && len(actor.Teams) > 0 {
		f.Team = actor.Teams[0]
	}
	q := ticket.Query{Process: f.Process, After: c.Query("after"), Limit: 50}
	if f.State != "" {
		q.States = []string{f.State}
	}
	if f.Priority != "" {
		q.Priorities = []string{f.Priority}
	}
	switch f.View {
	case "team":
		if u.Catalog().Team(f.Team) == nil {
			return f, q, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
		}
		q.Team = f.Team
	case "requested":
		q.Requester = actor.User
	default:
		f.View = "mine"
		q.Assignee = actor.User
	}
	q.Text = f.Q // a piece of the title or the number, matched by the store over the whole list
	return f, q, nil
}
