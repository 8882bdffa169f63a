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
	f := inboxFilter{View: c.Query("view"), Team: c.Query("team"), Process: c.Query("process"),
		State: c.Query("state"), Priority: c.Query("priority"), Q: strings.TrimSpace(c.Query("q"))}
	teamView := engine.MaySeeTeamQueues(actor)
	if f.View == "" {
		f.View = "mine"
		if teamView && len(actor.Teams) > 0 {
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
	var d inboxView
	if f.View == "team" && cat.Team(f.Team) == nil {
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	switch f.View {
	case "team":
		q.Team = f.Team
		d.Caption = webkit.Text(l, "inbox_caption_team") + " " + cat.Team(f.Team).Title.In(string(l))
	case "requested":
		q.Requester = actor.User
		d.Caption = webkit.Text(l, "inbox_requested")
	default:
		f.View = "mine"
		q.Assignee = actor.User
		d.Caption = webkit.Text(l, "inbox_mine")
	}
	q.Text = f.Q // a piece of the title or the number, matched by the store over the whole list
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
