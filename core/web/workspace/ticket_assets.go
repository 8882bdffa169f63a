package workspace

import (
	"context"
	"net/url"
	"strings"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/ticket"
)

// linkedAsset is an asset a ticket links, as its page shows it: the
// number as the ticket holds it and, for someone who may read assets, a
// link to the asset's page with its name, class and status.
type linkedAsset struct {
	Number string
	URL    string
	Name   string
	Class  definition.Label
	Status definition.Label
	// Known: the register has the asset and the viewer may read it.
	Known bool
}

// assetURL returns the address of an asset's page for p, or nil when the
// server has no register or p may not read assets (the link would be
// refused). The number keeps the spelling it is shown in; the asset page
// finds it in any case.
func (u *workspace) assetURL(p *auth.Principal) func(string) string {
	if u.Assets == nil || !asset.MayRead(p) {
		return nil
	}
	return func(number string) string { return "/app/assets/" + url.PathEscape(number) }
}

// ticketAssets are the assets the ticket links, once each (a number in
// any case is one asset), in the order they were linked.
func (u *workspace) ticketAssets(ctx context.Context, p *auth.Principal, cat *definition.Catalog, t *ticket.Ticket) []linkedAsset {
	link := u.assetURL(p)
	seen := map[string]bool{}
	var out []linkedAsset
	for _, l := range t.Links {
		if l.Kind != engine.LinkKindAsset || seen[strings.ToLower(l.Target)] {
			continue
		}
		seen[strings.ToLower(l.Target)] = true
		la := linkedAsset{Number: l.Target}
		if link != nil {
			la.URL = link(l.Target)
			if a, err := u.Assets.Get(ctx, p, l.Target); err == nil {
				la.Name, la.Known = a.Name, true
				la.Class, la.Status = plainLabel(a.Class), plainLabel(a.Status)
				if cl := cat.AssetClass(a.Class); cl != nil {
					la.Class, la.Status = cl.Title, statusLabel(cl, a.Status)
				}
			}
		}
		out = append(out, la)
	}
	return out
}
