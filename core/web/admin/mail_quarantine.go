package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The quarantine of incoming mail: the messages a mailbox did not file
// (automatic, unreadable, too large, refused), a page each, and release
// or discard as plain form posts. The engine decides who may; these
// handlers show its answer.

const quarantinePath = "/admin/mail-quarantine"

func (u *admin) registerMailQuarantine(r fiber.Router) {
	r.Get("/mail-quarantine", u.adminQuarantine)
	r.Get("/mail-quarantine/:id", u.adminQuarantined)
	r.Post("/mail-quarantine/:id/release", u.adminReleaseMail)
	r.Post("/mail-quarantine/:id/discard", u.adminDiscardMail)
}

// quarantinePage is how many messages one page lists.
const quarantinePage = 50

type quarantineView struct {
	Mail  []engine.QuarantinedMail
	After string
	Next  string
}

func (u *admin) adminQuarantine(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	after := c.Query("after")
	mail, next, err := u.Engine.QuarantinedMail(c.UserContext(), pagekit.UIPrincipal(c), after, quarantinePage)
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.Render(c, http.StatusOK, "admin_mail_quarantine", &pagekit.View{Lang: l, Title: webkit.Text(l, "quarantine_heading"), Area: "admin",
		Nav: "quarantine", Notice: quarantineNotice(l, c.Query("notice"), c.Query("ticket")),
		Data: quarantineView{Mail: mail, After: after, Next: next}})
}

type quarantinedView struct {
	Mail *engine.QuarantinedMessage
	// Refused says why a release did not file the message, Detail is the
	// technical reason.
	Refused, Detail string
}

func (u *admin) adminQuarantined(c *fiber.Ctx) error {
	return u.showQuarantined(c, http.StatusOK, nil)
}

func (u *admin) showQuarantined(c *fiber.Ctx, status int, refused *fault.Error) error {
	l := webkit.PageLang(c)
	m, err := u.Engine.QuarantinedMessage(c.UserContext(), pagekit.UIPrincipal(c), c.Params("id"))
	if err != nil {
		return webkit.FaultError(err)
	}
	v := quarantinedView{Mail: m}
	if refused != nil {
		v.Refused, v.Detail = refusalText(l, refused.Code), refused.Detail
	}
	return u.Render(c, status, "admin_mail_quarantined", &pagekit.View{Lang: l, Title: webkit.Text(l, "quarantine_message_heading"), Area: "admin",
		Nav: "quarantine", HasErrors: refused != nil, Data: v})
}

// ticketNumber is what a notice may name as the ticket a release made.
var ticketNumber = regexp.MustCompile(`^[A-Z][A-Z0-9]*-(?:[0-9]{4}-)?[0-9]+$`)

func (u *admin) adminReleaseMail(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	r, err := u.Engine.ReleaseMail(c.UserContext(), pagekit.UIPrincipal(c), c.Params("id"))
	if err != nil {
		if fe := fault.As(err); fe != nil && fe.Kind == fault.NotAllowedNow {
			// Still refused, or only in the IMAP folder: the page says
			// why, and the message stays held.
			return u.showQuarantined(c, http.StatusConflict, fe)
		}
		return webkit.FaultError(err)
	}
	q := url.Values{"notice": {"mail_released_" + r.Outcome}}
	if r.Ticket != "" {
		q.Set("ticket", r.Ticket)
	}
	return pagekit.SeeOther(c, quarantinePath+"?"+q.Encode())
}

func (u *admin) adminDiscardMail(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	if err := u.Engine.DiscardMail(c.UserContext(), pagekit.UIPrincipal(c), c.Params("id")); err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, quarantinePath+"?notice=mail_discarded")
}

// quarantineNotice is the notice after a release or discard.
func quarantineNotice(l webkit.Lang, key, ticket string) string {
	if !ticketNumber.MatchString(ticket) {
		ticket = ""
	}
	switch {
	case key == "mail_released_ticket" && ticket != "":
		return fmt.Sprintf(webkit.Text(l, "notice_mail_released_ticket"), ticket)
	case key == "mail_released_reply" && ticket != "":
		return fmt.Sprintf(webkit.Text(l, "notice_mail_released_reply"), ticket)
	case key == "mail_released_dropped" || key == "mail_released_bounce":
		return webkit.Text(l, "notice_mail_released_dropped")
	case key == "mail_discarded":
		return webkit.Text(l, "notice_mail_discarded")
	}
	return ""
}

// refusalText says in the page's language why a release filed nothing.
func refusalText(l webkit.Lang, code string) string {
	switch code {
	case "mail_not_kept":
		return webkit.Text(l, "quarantine_not_kept")
	case "mailbox_gone":
		return webkit.Text(l, "quarantine_mailbox_gone")
	}
	return webkit.Text(l, "quarantine_still_refused")
}
