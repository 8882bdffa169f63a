package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webkit"
)

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	// OTP is the one-time code (or a recovery code) of a user with
	// two-factor sign-in; others leave it out.
	OTP string `json:"otp"`
}

func (a *api) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	s, err := a.Auth.LoginWithOTP(c.UserContext(), req.Name, req.Password, req.OTP, a.clients.Key(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	c.Cookie(&fiber.Cookie{Name: webkit.SessionCookie, Value: s.Token, HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https", Path: "/", Expires: s.Expires})
	return c.JSON(fiber.Map{"token": s.Token, "expires": s.Expires})
}

// logout ends the session the caller presents, as a bearer token or as
// the cookie. An API token is not a session: it stays valid until it is
// revoked.
func (a *api) logout(c *fiber.Ctx) error {
	if token := credential(c); token != "" && !strings.HasPrefix(token, auth.TokenPrefix) {
		if err := a.Auth.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	c.ClearCookie(webkit.SessionCookie)
	return c.SendStatus(http.StatusNoContent)
}

func (a *api) me(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": p.User, "display": p.Display, "roles": p.Roles, "teams": p.Teams, "admin": p.Admin})
}

type processJSON struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Audience []string        `json:"audience"`
	Form     string          `json:"form"`
	Schema   json.RawMessage `json:"schema,omitempty"`
}

// processes lists the processes the caller may open, each with its form's
// JSON Schema.
func (a *api) processes(c *fiber.Ctx) error {
	cat := a.Catalog()
	p := webkit.Principal(c)
	var out []processJSON
	for _, proc := range cat.Processes() {
		if !engine.MayOpen(p, proc) || p == nil && !proc.AnonymousAPI {
			continue
		}
		schema, err := a.Engine.FormSchema(cat, proc.Form.Value)
		if err != nil {
			return err
		}
		out = append(out, processJSON{ID: proc.ID.Value, Title: proc.Title.In(langOf(c)), Audience: proc.Audience, Form: proc.Form.Value, Schema: schema})
	}
	return c.JSON(fiber.Map{"processes": out})
}

type createRequest struct {
	Process string         `json:"process"`
	Title   string         `json:"title"`
	Data    map[string]any `json:"data"`
}

func (a *api) createTicket(c *fiber.Ctx) error {
	var req createRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Process == "" {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Fields: []fault.FieldError{{Field: "process", Code: "required"}}}
	}
	key := c.Get(headerIdempotencyKey)
	if _, sent := c.GetReqHeaders()[headerIdempotencyKey]; sent {
		// Checked before anything is claimed under it.
		if err := engine.CheckIdempotencyKey(key); err != nil {
			return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeInvalidIdempotencyKey, Cause: err,
				Fields: []fault.FieldError{{Field: headerIdempotencyKey, Code: "invalid"}}}
		}
	}
	p := webkit.Principal(c)
	if p == nil {
		if proc := a.Catalog().Process(req.Process); proc != nil && engine.MayOpen(nil, proc) && !proc.AnonymousAPI {
			// Citizens open it through the portal's form only.
			return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeAnonymousAPIClosed}
		}
	}
	t, err := a.Engine.Create(c.UserContext(), p, engine.CreateRequest{Process: req.Process, Title: req.Title, Data: req.Data,
		Lang: langOf(c), IdempotencyKey: key})
	if err != nil {
		if p == nil && errors.Is(err, fault.Forbidden) {
			return &webkit.Error{Status: http.StatusUnauthorized, Code: webkit.CodeUnauthorized, Cause: err}
		}
		return webkit.FaultError(err)
	}
	if p == nil {
		// A citizen gets what leads back to the request, the same on a
		// retry: the number and the tracking link, no data.
		link := webkit.PublicBase(c, a.BaseURL) + "/portal/track/" + t.Tracking
		c.Location(link)
		return c.Status(http.StatusCreated).JSON(fiber.Map{"number": t.Number, "process": t.Process, "tracking": link})
	}
	c.Location("/api/v1/tickets/" + t.Number)
	return c.Status(http.StatusCreated).JSON(ticketJSON(t, nil))
}

// headerIdempotencyKey makes a retried create return the first ticket.
const headerIdempotencyKey = "Idempotency-Key"

func (a *api) getTicket(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	t, hist, err := a.Engine.History(c.UserContext(), p, c.Params("number"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.JSON(ticketJSON(t, hist))
}

func (a *api) listTickets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	q, err := ticketQuery(c, p)
	if err != nil {
		return err
	}
	rows, next, err := a.Engine.Inbox(c.UserContext(), p, q)
	if err != nil {
		return webkit.FaultError(err)
	}
	items := make([]fiber.Map, len(rows))
	for i, r := range rows {
		items[i] = fiber.Map{"number": r.Number, "process": r.Process, "title": r.Title, "state": r.State, "priority": r.Priority,
			"team": r.Team, "assignee": r.Assignee, "requester": r.Requester, "due": dueJSON(r.Due), "updated": r.Updated}
	}
	return c.JSON(fiber.Map{"tickets": items, "next": next})
}

// ticketQuery reads the list GET /tickets and its export select.
func ticketQuery(c *fiber.Ctx, p *auth.Principal) (ticket.Query, error) {
	q := ticket.Query{Team: c.Query("team"), Assignee: c.Query("assignee"), Requester: c.Query("requester"),
		Process: c.Query("process"), Text: c.Query("q"), After: c.Query("after"), Limit: c.QueryInt("limit", 50)}
	switch c.Query("status", "open") {
	case "open":
	case "closed":
		q.Closed = true
	default:
		return q, &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Fields: []fault.FieldError{{Field: "status", Code: "invalid",
			Message: "status must be open or closed"}}}
	}
	if q.Assignee == "me" {
		q.Assignee = p.User
	}
	if q.Requester == "me" || (q.Team == "" && q.Assignee == "" && q.Requester == "") {
		q.Requester = p.User
	}
	if s := c.Query("state"); s != "" {
		q.States = splitList(s)
	}
	if s := c.Query("priority"); s != "" {
		q.Priorities = splitList(s)
	}
	return q, nil
}

type transitionRequest struct {
	Version int64          `json:"version"`
	Data    map[string]any `json:"data"`
	Comment string         `json:"comment"`
	// Internal keeps the comment among staff (needs ticket.comment_internal).
	Internal bool `json:"internal"`
}

func (a *api) transition(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req transitionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := a.Engine.Transition(c.UserContext(), p, c.Params("number"), engine.TransitionRequest{
		Transition: c.Params("transition"), Version: req.Version, Data: req.Data, Comment: req.Comment, InternalComment: req.Internal, Lang: langOf(c)})
	if err != nil {
		return a.explainedError(c, p, err)
	}
	return c.JSON(ticketJSON(t, nil))
}

type commentRequest struct {
	Version  int64  `json:"version"`
	Text     string `json:"text"`
	Internal bool   `json:"internal"`
}

func (a *api) comment(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req commentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := a.Engine.Comment(c.UserContext(), p, c.Params("number"), req.Version, req.Text, req.Internal, langOf(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.Status(http.StatusCreated).JSON(ticketJSON(t, nil))
}

type assignRequest struct {
	Version int64  `json:"version"`
	User    string `json:"user"`
}

func (a *api) assign(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req assignRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, err := a.Engine.Assign(c.UserContext(), p, c.Params("number"), req.Version, req.User, langOf(c))
	if err != nil {
		return webkit.FaultError(err)
	}
	return c.JSON(ticketJSON(t, nil))
}

func ticketJSON(t *ticket.Ticket, hist []ticket.HistoryEntry) fiber.Map {
	m := fiber.Map{
		"number": t.Number, "process": t.Process, "version": t.Version, "title": t.Title,
		"state": t.State, "category": t.Category, "priority": t.Priority,
		"team": t.Team, "assignee": t.Assignee, "requester": t.Requester,
		"due": dueJSON(t.Due), "created": t.Created, "updated": t.Updated, "data": t.Data,
	}
	if len(t.Links) > 0 {
		links := make([]fiber.Map, len(t.Links))
		for i, l := range t.Links {
			links[i] = fiber.Map{"kind": l.Kind, "target": l.Target}
		}
		m["links"] = links
	}
	if p := engine.PendingApproval(t); p != nil {
		m["approval"] = fiber.Map{"transition": p.Transition, "steps": p.Steps, "approvers": p.Approvers}
	}
	if hist != nil {
		entries := make([]fiber.Map, len(hist))
		for i, h := range hist {
			entries[i] = fiber.Map{"seq": h.Seq, "at": h.At, "actor": h.Actor, "type": h.Type, "data": h.Data}
		}
		m["history"] = entries
	}
	return m
}

func dueJSON(due string) any {
	if due == "" || due == ticket.NoDue {
		return nil
	}
	return due
}

func splitList(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
