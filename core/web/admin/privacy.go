package admin

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The data protection pages under /privacy, for holders of privacy.manage
// (not only administrators, hence a group of their own): a form naming a
// person, the summary of everything stored about them, the JSON archive
// to hand over, and their anonymisation on request with its record. The
// person travels in posted forms only, never in an address. They work
// without JavaScript.

// RegisterPrivacy adds the data protection pages to r (a group guarded for
// staff); the engine refuses everyone without privacy.manage.
func RegisterPrivacy(r fiber.Router, p *pagekit.Pages) {
	u := &admin{Pages: p}
	r.Get("/", u.privacyPage)
	r.Post("/search", u.privacySearch)
	r.Post("/export.json", u.privacyExport)
	r.Post("/anonymise", u.privacyAnonymise)
}

type privacyView struct {
	Subject engine.Subject
	// Searched is set once a search ran; Report is its answer.
	Searched bool
	Tickets  []privacyTicket
	Mails    []engine.SubjectMail
	// Received are the records of mail received naming the person.
	Received []engine.SubjectRecord
	// Assets are the assets naming the person, with their fields.
	Assets  []privacyAsset
	Erasure *engine.SubjectErasure
	// Error is the sentence of a refused search (no person named).
	Error string
}

type privacyTicket struct {
	engine.SubjectTicket
	Values []privacyPlace
}

type privacyPlace struct{ Where, Value string }

type privacyAsset struct {
	ID     string
	Values []privacyPlace
}

func (u *admin) privacyPage(c *fiber.Ctx) error {
	if !engine.MayManagePrivacy(pagekit.UIPrincipal(c)) {
		return &webkit.Error{Status: http.StatusForbidden, Code: webkit.CodeForbidden}
	}
	return u.renderPrivacy(c, http.StatusOK, privacyView{})
}

func (u *admin) renderPrivacy(c *fiber.Ctx, status int, d privacyView) error {
	l := webkit.PageLang(c)
	return u.Render(c, status, "privacy", &pagekit.View{Lang: l, Title: webkit.Text(l, "privacy_heading"), Area: "app", Nav: "privacy",
		HasErrors: d.Error != "", Data: d})
}

// postedSubject reads the person named by a posted form.
func (u *admin) postedSubject(c *fiber.Ctx) (engine.Subject, error) {
	sub, err := u.ReadPost(c)
	if err != nil {
		return engine.Subject{}, err
	}
	return engine.Subject{Email: sub.First("email"), Name: sub.First("name"), User: sub.First("user")}, nil
}

func (u *admin) privacySearch(c *fiber.Ctx) error {
	s, err := u.postedSubject(c)
	if err != nil {
		return err
	}
	rep, err := u.Engine.FindSubject(c.UserContext(), pagekit.UIPrincipal(c), s)
	if err != nil {
		if fe := webkit.FieldsAtFault(webkit.PageLang(c), err); len(fe) > 0 {
			return u.renderPrivacy(c, http.StatusUnprocessableEntity, privacyView{Subject: s, Error: fe[0].Message})
		}
		return webkit.FaultError(err)
	}
	d := privacyView{Subject: s, Searched: true, Mails: rep.Mails}
	for _, r := range rep.Records {
		switch r.Kind {
		case "mail_in":
			d.Received = append(d.Received, r)
		case "asset":
			pa := privacyAsset{ID: r.ID}
			for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
				pa.Values = append(pa.Values, privacyPlace{Where: k, Value: shownValue(r.Fields[k])})
			}
			d.Assets = append(d.Assets, pa)
		}
	}
	for _, t := range rep.Tickets {
		pt := privacyTicket{SubjectTicket: t}
		for _, p := range t.Places {
			pt.Values = append(pt.Values, privacyPlace{Where: p.Where, Value: shownValue(p.Value)})
		}
		d.Tickets = append(d.Tickets, pt)
	}
	return u.renderPrivacy(c, http.StatusOK, d)
}

// shownValue is a stored value as text: text as it is, anything else
// (lists of files, groups) as JSON.
func shownValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func (u *admin) privacyExport(c *fiber.Ctx) error {
	s, err := u.postedSubject(c)
	if err != nil {
		return err
	}
	rep, err := u.Engine.FindSubject(c.UserContext(), pagekit.UIPrincipal(c), s)
	if err != nil {
		return webkit.FaultError(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="data-subject-export.json"`)
	return c.JSON(rep)
}

func (u *admin) privacyAnonymise(c *fiber.Ctx) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	s := engine.Subject{Email: sub.First("email"), Name: sub.First("name"), User: sub.First("user")}
	if sub.First("confirm") != "yes" {
		l := webkit.PageLang(c)
		return u.renderPrivacy(c, http.StatusUnprocessableEntity, privacyView{Subject: s, Error: webkit.Text(l, "privacy_confirm_missing")})
	}
	rec, err := u.Engine.AnonymiseSubject(c.UserContext(), pagekit.UIPrincipal(c), s)
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.renderPrivacy(c, http.StatusOK, privacyView{Erasure: rec})
}
