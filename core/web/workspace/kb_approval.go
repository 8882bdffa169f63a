package workspace

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The review step of the knowledge base on the article page: a version
// waiting for approval is described above the published text, with the
// buttons of the decisions the user may take. docs/knowledge.md.

// kbPendingView is a version waiting for approval.
type kbPendingView struct {
	Version int64
	Author  string
	At      time.Time
	// Published is the version served meanwhile; 0: none yet.
	Published int64
	// MayApprove and MayReject say which buttons the user gets; Own says
	// the user wrote the version (another reviewer approves it).
	MayApprove, MayReject, Own bool
}

func (u *workspace) kbPending(actor *auth.Principal, a *knowledge.Article) *kbPendingView {
	if a.Pending == nil || !knowledge.MayWrite(actor) {
		return nil
	}
	return &kbPendingView{Version: a.Pending.Version, Author: a.Pending.Author, At: a.Pending.At, Published: a.Published,
		MayApprove: u.Knowledge.MayApprove(actor, a), MayReject: u.Knowledge.MayReject(actor, a), Own: a.Pending.Author == actor.User}
}

// kbAwaiting are the rows of the articles whose pending version the user
// may approve.
func (u *workspace) kbAwaiting(c *fiber.Ctx, l webkit.Lang, actor *auth.Principal) ([]kbRow, error) {
	list, err := u.Knowledge.AwaitingApproval(c.UserContext(), actor)
	if err != nil {
		return nil, webkit.FaultError(err)
	}
	var rows []kbRow
	for i := range list {
		r := kbRowOf(l, &list[i])
		r.Updated = list[i].Pending.At
		rows = append(rows, r)
	}
	return rows, nil
}

func (u *workspace) kbApprove(c *fiber.Ctx) error { return u.kbDecide(c, knowledge.Approved) }

func (u *workspace) kbReject(c *fiber.Ctx) error { return u.kbDecide(c, knowledge.Rejected) }

// kbDecide approves or rejects the pending version posted in _version: a
// version saved since is refused (409), so nobody approves a text they
// did not see.
func (u *workspace) kbDecide(c *fiber.Ctx, decision string) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	version, err := pagekit.PostedVersion(sub)
	if err != nil {
		return err
	}
	actor := pagekit.UIPrincipal(c)
	number := c.Params("number")
	if decision == knowledge.Approved {
		_, err = u.Knowledge.Approve(c.UserContext(), actor, number, version)
	} else {
		_, err = u.Knowledge.Reject(c.UserContext(), actor, number, version)
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/knowledge/"+url.PathEscape(number)+"?notice="+decision)
}
