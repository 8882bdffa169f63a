package workspace

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The staff workspace: login, inboxes, new tickets. Every list and every
// ticket goes through the engine, which checks what the user may see.

type loginView struct {
	Name  string
	Next  string
	Error string
	// SignOns are the OpenID providers to sign in with (login_oidc.go).
	SignOns []signOnButton
	OrText  string
}

func (u *workspace) loginPage(c *fiber.Ctx) error {
	if pagekit.UIPrincipal(c) != nil {
		return pagekit.SeeOther(c, safeNext(c.Query("next")))
	}
	return u.showLogin(c, http.StatusOK, "", "")
}

func (u *workspace) showLogin(c *fiber.Ctx, status int, name, msg string) error {
	l := webkit.PageLang(c)
	next := safeNext(c.Query("next", c.FormValue("next")))
	return u.Render(c, status, "login", &pagekit.View{Lang: l, Title: webkit.Text(l, "login_heading"), Area: "app", Nav: "login", HasErrors: msg != "",
		Data: loginView{Name: name, Next: next, Error: msg, SignOns: u.signOnButtons(c, next), OrText: signOnText(l, "login_or")}})
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/app/"
	}
	return next
}

func (u *workspace) loginSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	name := sub.First("name")
	s, err := u.Auth.Login(c.UserContext(), name, sub.First("password"), u.clients.Key(c))
	if done, serr := u.secondFactorStep(c, err, sub.First("next")); done {
		return serr
	}
	if err != nil {
		// The page answers with the status of the API's table and says it
		// in the form.
		answer, ok := webkit.FaultError(err).(*webkit.Error)
		switch {
		case ok && answer.Status == http.StatusTooManyRequests:
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(answer.RetryAfter))
			return u.showLogin(c, answer.Status, name, fmt.Sprintf(webkit.Text(l, "login_throttled"), answer.RetryAfter))
		case ok && answer.Status == http.StatusUnauthorized:
			return u.showLogin(c, answer.Status, name, webkit.Text(l, "login_failed"))
		case ok && answer.Code == webkit.CodeDirectoryUnavailable:
			// Said on the form, where the person can try again; local
			// accounts still sign in meanwhile.
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(answer.RetryAfter))
			return u.showLogin(c, answer.Status, name, webkit.Message(l, webkit.CodeDirectoryUnavailable, answer.Status))
		}
		return err
	}
	c.Cookie(&fiber.Cookie{Name: webkit.SessionCookie, Value: s.Token, HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Path: "/", Expires: s.Expires})
	return pagekit.SeeOther(c, safeNext(sub.First("next")))
}

func (u *workspace) logout(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	// Asked before the session ends: the cookie names the provider only
	// for the session it was made with.
	provider := u.signOnLogoutURL(c)
	if token := c.Cookies(webkit.SessionCookie); token != "" {
		_ = u.Auth.Logout(c.UserContext(), token)
	}
	c.ClearCookie(webkit.SessionCookie)
	if provider != "" {
		return u.signedOutPage(c, provider)
	}
	return pagekit.SeeOther(c, "/app/login")
}

// inboxView is the data of the inbox page.
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

type newCatalogView struct {
	Processes []*definition.Process
}

func (u *workspace) newCatalog(c *fiber.Ctx) error {
	actor := pagekit.UIPrincipal(c)
	var list []*definition.Process
	for _, p := range u.Catalog().Processes() {
		if engine.MayOpen(actor, p) {
			list = append(list, p)
		}
	}
	l := webkit.PageLang(c)
	return u.Render(c, http.StatusOK, "new", &pagekit.View{Lang: l, Title: webkit.Text(l, "new_heading"), Area: "app", Nav: "new", Data: newCatalogView{Processes: list}})
}

func (u *workspace) staffProcess(c *fiber.Ctx) (*definition.Process, pagekit.FormSpec, error) {
	cat := u.Catalog()
	p := cat.Process(c.Params("process"))
	if p == nil {
		return nil, pagekit.FormSpec{}, &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound}
	}
	if !engine.MayOpen(pagekit.UIPrincipal(c), p) {
		return nil, pagekit.FormSpec{}, &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	compiled, err := u.Engine.Form(cat, p.Form.Value)
	if err != nil {
		return nil, pagekit.FormSpec{}, err
	}
	return p, pagekit.FormSpec{Compiled: compiled, Scope: "create:" + p.ID.Value + "|" + u.Binding(c, true),
		Action: "/app/new/" + p.ID.Value, Submit: webkit.Text(webkit.PageLang(c), "new_submit"), Area: "app"}, nil
}

func (u *workspace) staffForm(c *fiber.Ctx) error {
	p, spec, err := u.staffProcess(c)
	if err != nil {
		return err
	}
	token := u.Sign.FormToken(spec.Scope, u.Now().Add(u.FormTTL))
	return u.ShowForm(c, http.StatusOK, p, spec, nil, nil, "", token, nil, nil)
}

func (u *workspace) staffSubmit(c *fiber.Ctx) error {
	p, spec, err := u.staffProcess(c)
	if err != nil {
		return err
	}
	post, err := u.ReadFormPost(c, spec)
	if err != nil {
		return err
	}
	t, status, err := u.Create(c, pagekit.UIPrincipal(c), p, spec, post)
	if err != nil {
		return err
	}
	if t == nil {
		return u.ShowForm(c, status, p, spec, post.Data, post.Errs, post.Add, post.Token, post.Files, nil)
	}
	return pagekit.SeeOther(c, "/app/tickets/"+url.PathEscape(t.Number)+"?notice=created")
}
