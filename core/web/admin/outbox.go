package admin

import (
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The outbox page: what vorgang still has to do beyond a ticket (mails,
// webhook deliveries, child tickets), one state and kind at a time, with
// the reason of the last failed attempt and buttons to retry or discard
// an item. Filtered to webhooks it is their delivery log; the webhooks
// are listed below with a button that sends a test delivery. Everything
// works as plain links and form posts, without JavaScript.

func (u *admin) registerOutbox(r fiber.Router) {
	r.Get("/outbox", u.adminOutbox)
	r.Post("/outbox/retry", u.adminOutboxChange("retry"))
	r.Post("/outbox/discard", u.adminOutboxChange("discard"))
	r.Post("/webhooks/:id/test", u.adminWebhookTest)
}

// outboxStates are the states the page filters by, in the order of its
// choice; the first is the default.
var outboxStates = []string{engine.OutboxPending, engine.OutboxFailed, engine.OutboxClaimed, engine.OutboxDone}

// outboxKinds are the kinds the page offers as a filter.
var outboxKinds = []string{"mail", engine.EffectNotify, engine.EffectWebhook, engine.EffectCreateChild, engine.EffectCloseChildren, engine.EffectSLAHook}

type adminOutboxView struct {
	State, Kind string
	States      []string
	Kinds       []string
	Entries     []engine.OutboxEntry
	// Next is the link to the next page, First whether this is the first.
	Next     string
	First    bool
	Webhooks []*definition.Webhook
	// Back is this page's address, where the buttons return to.
	Back string
}

func (u *admin) adminOutbox(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	state, kind := c.Query("state", engine.OutboxPending), c.Query("kind")
	q := engine.OutboxQuery{State: state, Kind: kind, After: c.Query("after"), Limit: 50}
	entries, next, err := u.Engine.Outbox(c.UserContext(), pagekit.UIPrincipal(c), q)
	if err != nil {
		return webkit.FaultError(err)
	}
	d := adminOutboxView{State: state, Kind: kind, States: outboxStates, Kinds: outboxKinds, Entries: entries,
		First: q.After == "", Webhooks: u.Catalog().Webhooks(), Back: outboxPath(state, kind, q.After)}
	if next != "" {
		d.Next = outboxPath(state, kind, next)
	}
	return u.Render(c, http.StatusOK, "admin_outbox", &pagekit.View{Lang: l, Title: webkit.Text(l, "outbox_heading"), Area: "admin", Nav: "outbox",
		Notice: outboxNotice(l, c.Query("notice")), Data: d})
}

func outboxPath(state, kind, after string) string {
	v := url.Values{"state": {state}}
	if kind != "" {
		v.Set("kind", kind)
	}
	if after != "" {
		v.Set("after", after)
	}
	return "/admin/outbox?" + v.Encode()
}

// outboxNotice is the text of a notice a redirect after an action names.
func outboxNotice(l webkit.Lang, key string) string {
	switch key {
	case "outbox_retried", "outbox_discarded", "webhook_test_queued":
		return webkit.Text(l, key)
	}
	return ""
}

// adminOutboxChange retries or discards the item the form names and goes
// back to the list it was on.
func (u *admin) adminOutboxChange(what string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sub, err := u.ReadPost(c)
		if err != nil {
			return err
		}
		p, id := pagekit.UIPrincipal(c), sub.First("id")
		if what == "retry" {
			_, err = u.Engine.RetryOutbox(c.UserContext(), p, id)
		} else {
			_, err = u.Engine.DiscardOutbox(c.UserContext(), p, id)
		}
		if err != nil {
			return webkit.FaultError(err)
		}
		notice := "outbox_retried"
		if what == "discard" {
			notice = "outbox_discarded"
		}
		return pagekit.SeeOther(c, backTo(sub.First("back"))+"&notice="+notice)
	}
}

func (u *admin) adminWebhookTest(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	if _, err := u.Engine.TestWebhook(c.UserContext(), pagekit.UIPrincipal(c), c.Params("id")); err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, outboxPath(engine.OutboxPending, engine.EffectWebhook, "")+"&notice=webhook_test_queued")
}

// backTo is the outbox list a form came from; anything but a path of
// the outbox page goes to its first page, so a post cannot redirect away.
func backTo(back string) string {
	v, err := url.Parse(back)
	if err != nil || v.Path != "/admin/outbox" || v.Host != "" || v.Scheme != "" {
		return outboxPath(engine.OutboxPending, "", "")
	}
	q := v.Query()
	return outboxPath(q.Get("state"), q.Get("kind"), q.Get("after"))
}
