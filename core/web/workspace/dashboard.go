package workspace

import (
	"net/http"
	"sort"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

type dashboardView struct {
	Total  int64
	Charts []barChart
}

// dashboard shows the open tickets the user may see, per team, state and
// priority, from the store's counts (no ticket is read).
func (u *workspace) dashboard(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	counts, err := u.Engine.Counts(c.UserContext(), pagekit.UIPrincipal(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	cat := u.Catalog()
	byTeam, byState, byPrio := map[string]int64{}, map[string]int64{}, map[string]int64{}
	var total int64
	for _, x := range counts {
		byTeam[webkit.TeamTitle(cat, x.Team).In(string(l))] += x.N
		byState[anyStateTitle(cat, x.State).In(string(l))] += x.N
		byPrio[x.Priority] += x.N
		total += x.N
	}
	d := dashboardView{Total: total}
	d.Charts = append(d.Charts, barChart{ID: "chart-team", Title: webkit.Text(l, "dash_by_team"), Bars: sortedBars(byTeam)})
	d.Charts = append(d.Charts, barChart{ID: "chart-state", Title: webkit.Text(l, "dash_by_state"), Bars: sortedBars(byState)})
	var prio []bar
	for _, p := range []string{"critical", "high", "medium", "low"} {
		prio = append(prio, bar{Label: webkit.Text(l, "prio_"+p), N: byPrio[p]})
	}
	d.Charts = append(d.Charts, barChart{ID: "chart-priority", Title: webkit.Text(l, "dash_by_priority"), Bars: prio})
	return u.Render(c, http.StatusOK, "dashboard", &pagekit.View{Lang: l, Title: webkit.Text(l, "dash_heading"), Area: "app", Nav: "dashboard", Data: d})
}

// anyStateTitle names a state id by the first process that has it.
func anyStateTitle(cat *definition.Catalog, id string) definition.Label {
	for _, p := range cat.Processes() {
		if p.State(id) != nil {
			return webkit.StateTitle(p, id, false)
		}
	}
	return definition.Label{De: id, En: id}
}

func sortedBars(m map[string]int64) []bar {
	out := make([]bar, 0, len(m))
	for k, n := range m {
		out = append(out, bar{Label: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Label < out[j].Label
	})
	return out
}
