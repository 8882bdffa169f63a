package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// searchHit is one found ticket as the API answers it.
type searchHit struct {
	Number   string              `json:"number"`
	Title    string              `json:"title"`
	Process  string              `json:"process"`
	State    string              `json:"state"`
	Team     string              `json:"team"`
	Created  time.Time           `json:"created"`
	Score    float64             `json:"score"`
	Snippets map[string][]string `json:"snippets,omitempty"`
}

// searchTickets answers GET /api/v1/search: the tickets the caller may see
// whose texts hold the words of q. The engine puts the caller's
// permissions into the query, so a page never holds what they may not see.
func (a *api) searchTickets(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	req := engine.SearchRequest{Text: c.Query("q"), Process: c.Query("process"), State: c.Query("state"), Team: c.Query("team"),
		Offset: c.QueryInt("offset", 0), Limit: c.QueryInt("limit", 20)}
	var bad []fault.FieldError
	for _, d := range []struct {
		field string
		to    *time.Time
	}{{"created_from", &req.CreatedFrom}, {"created_to", &req.CreatedTo}} {
		v := c.Query(d.field)
		if v == "" {
			continue
		}
		t, err := parseDay(v)
		if err != nil {
			bad = append(bad, fault.FieldError{Field: d.field, Code: "invalid", Message: d.field + " must be a date (2026-12-01) or a time (RFC 3339)"})
			continue
		}
		*d.to = t
	}
	if req.Offset < 0 || req.Limit < 0 {
		bad = append(bad, fault.FieldError{Field: "offset", Code: "invalid", Message: "offset and limit must not be negative"})
	}
	if len(bad) > 0 {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Fields: bad}
	}
	res, err := a.Engine.Search(c.UserContext(), p, req)
	if err != nil {
		return webkit.FaultError(err)
	}
	hits := make([]searchHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = searchHit{Number: h.Number, Title: h.Title, Process: h.Process, State: h.State, Team: h.Team,
			Created: h.Created, Score: h.Score, Snippets: h.Snippets}
	}
	return c.JSON(fiber.Map{"total": res.Total, "total_at_least": res.TotalAtLeast, "hits": hits})
}

// parseDay reads a date (the day's start, UTC) or an RFC 3339 time.
func parseDay(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}
