package workspace

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/knowledge"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webkit"
)

// An article from a ticket's answer: on the page of a resolved or closed
// ticket, each public answer of staff links to the article editor
// prefilled with the ticket's title and the answer's text. The
// requester's personal data is not carried over: their name, user name
// and e-mail address and the values of the form's personal fields are
// replaced in the text, and nothing else of the ticket is copied.
// docs/knowledge.md.

// maskedText stands for personal data taken out of an answer.
const maskedText = "[…]"

// answerText is the text of a history entry that answers the requester: a
// public comment or the public comment of a transition, written by staff.
func answerText(e ticket.HistoryEntry, requester string) (string, bool) {
	if e.Actor == "" || e.Actor == requester {
		return "", false
	}
	content, err := e.Decode()
	if err != nil {
		return "", false
	}
	switch x := content.(type) {
	case ticket.Commented:
		return x.Text, x.Text != "" && !x.Internal && !x.Citizen && !x.ByScript
	case ticket.Transitioned:
		return x.Comment, x.Comment != "" && !x.CommentInternal
	}
	return "", false
}

// finished reports whether the ticket's answer is settled: its state is
// of the category resolved or closed.
func finished(t *ticket.Ticket) bool {
	return t.Category == definition.CategoryResolved || t.Category == definition.CategoryClosed
}

// articleFromAnswerURL is the editor prefilled from the answer.
func articleFromAnswerURL(number string, seq int64) string {
	return "/app/knowledge/new?" + url.Values{"ticket": {number}, "entry": {strconv.FormatInt(seq, 10)}}.Encode()
}

// offersArticles reports whether the ticket page offers to make articles
// of the ticket's answers.
func (u *workspace) offersArticles(actor *auth.Principal, t *ticket.Ticket) bool {
	return u.Knowledge != nil && knowledge.MayWrite(actor) && finished(t)
}

// kbDraftFromTicket are the editor's values from the answer with the
// sequence number seq of the ticket, which actor must be able to read.
func (u *workspace) kbDraftFromTicket(c *fiber.Ctx, actor *auth.Principal, number, entry string) (map[string]string, error) {
	ctx := c.UserContext()
	v, err := u.Engine.View(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	t := v.Ticket
	if !finished(t) {
		return nil, fmt.Errorf("article from ticket %s: the ticket is not resolved: %w", number, fault.NotAllowedNow)
	}
	seq, _ := strconv.ParseInt(entry, 10, 64)
	for _, e := range v.History {
		if e.Seq != seq {
			continue
		}
		text, ok := answerText(e, t.Requester)
		if !ok {
			break
		}
		l := string(webkit.PageLang(c))
		return map[string]string{"visibility": string(knowledge.Internal), "owner": actor.User,
			"title_" + l: t.Title, "body_" + l: maskPersonal(text, u.personalValues(ctx, t))}, nil
	}
	return nil, fmt.Errorf("article from ticket %s: entry %s is no public answer: %w", number, entry, fault.NotFound)
}

// personalValues are the requester's name, user name and e-mail address
// and the values of the ticket's personal fields.
func (u *workspace) personalValues(ctx context.Context, t *ticket.Ticket) []string {
	var out []string
	if t.Requester != "" {
		out = append(out, t.Requester)
		if usr, err := u.Auth.User(ctx, t.Requester); err == nil {
			out = append(out, usr.Email, usr.DisplayName)
			out = append(out, strings.Fields(usr.DisplayName)...)
		}
	}
	cat := u.Engine.CatalogFor(ctx, t)
	if p := cat.Process(t.Process); p != nil {
		if f := cat.Form(p.Form.Value); f != nil {
			for _, fd := range f.AllFields() {
				if s, ok := t.Data[fd.ID.Value].(string); ok && fd.IsPersonal() {
					out = append(out, s)
					out = append(out, strings.Fields(s)...)
				}
			}
		}
	}
	return out
}

// maskPersonal replaces each value (of three letters or more, ignoring
// case) in text, the longest first so a full name goes before its parts.
func maskPersonal(text string, values []string) string {
	var keep []string
	for _, v := range values {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 {
			keep = append(keep, v)
		}
	}
	sort.Slice(keep, func(i, j int) bool { return len(keep[i]) > len(keep[j]) })
	for _, v := range keep {
		text = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(v)).ReplaceAllString(text, maskedText)
	}
	return text
}

// kbNewFromTicket answers the editor prefilled from a ticket's answer.
func (u *workspace) kbNewFromTicket(c *fiber.Ctx, actor *auth.Principal) error {
	values, err := u.kbDraftFromTicket(c, actor, c.Query("ticket"), c.Query("entry"))
	if err != nil {
		return webkit.FaultError(err)
	}
	l := webkit.PageLang(c)
	return u.showKBEdit(c, 200, "", 0, values, nil, webkit.Text(l, "kb_from_ticket_notice"))
}
