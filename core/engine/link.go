package engine

import (
	"context"
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// LinkKindAsset is the kind of a ticket's link to an asset.
const LinkKindAsset = "asset"

// AssetLinker records on an asset that a ticket concerns it, and forgets
// a ticket deleted as a whole; *asset.Service implements it. actor nil is
// the system.
type AssetLinker interface {
	LinkTicket(ctx context.Context, actor *auth.Principal, asset, ticket string) error
	UnlinkTicket(ctx context.Context, asset, ticket string) error
}

// assetLinks are the links of a new ticket to the assets its form's
// top-level asset fields name.
func assetLinks(f *definition.Form, data map[string]any) []ticket.Link {
	var out []ticket.Link
	for _, fl := range f.AllFields() {
		if id, ok := data[fl.ID.Value].(string); ok && fl.Type == definition.FieldAsset && id != "" {
			out = append(out, ticket.Link{Kind: LinkKindAsset, Target: id})
		}
	}
	return out
}

// linkAssets tells the assets a new ticket links that it does, before the
// ticket is stored: a crash in between leaves an asset naming a ticket
// that does not link it back, which readers of the asset's tickets check
// for, never a link the asset does not know. A failure is logged, not
// fatal: the ticket itself holds the link.
func (e *Engine) linkAssets(ctx context.Context, t *ticket.Ticket) {
	if e.assets == nil {
		return
	}
	for _, l := range t.Links {
		if l.Kind != LinkKindAsset {
			continue
		}
		if err := e.assets.LinkTicket(ctx, nil, l.Target, t.Number); err != nil {
			e.log.WarnContext(ctx, "the asset does not list the new ticket", "ticket", t.Number, "asset", l.Target, "error", err)
		}
	}
}

// LinkAsset links a ticket to an asset: the asset records the ticket
// first (so that a crash in between leaves an asset entry the ticket does
// not confirm, which readers check, never a ticket link the asset does not
// know), then the ticket gets the link and a history entry. It is the one
// way a link to an asset is written after a ticket was created; Link
// hands asset links here. The actor must see the ticket, the asset must
// exist and not be retired. version as in Comment.
func (e *Engine) LinkAsset(ctx context.Context, actor *auth.Principal, number string, version int64, asset string) (*ticket.Ticket, error) {
	if asset == "" {
		return nil, invalid("target", "required", "link_target_required")
	}
	if e.assets == nil {
		return nil, fmt.Errorf("link ticket %s to asset %s: no asset register: %w", number, asset, fault.NotFound)
	}
	// Everything that could refuse the ticket's side is checked before
	// the asset's side is written, so a refused link leaves no trace on
	// the asset.
	if _, err := e.linkable(ctx, actor, number, version); err != nil {
		return nil, err
	}
	if err := e.assets.LinkTicket(ctx, actor, asset, number); err != nil {
		return nil, err
	}
	return e.addLink(ctx, actor, number, version, ticket.Link{Kind: LinkKindAsset, Target: asset})
}

// Link adds a link to a ticket (another ticket, say), recorded in its
// history. Linking what is linked already changes nothing. The actor must
// see the ticket and work tickets, or be its requester. version as in
// Comment. A link to an asset goes through LinkAsset, which tells the
// asset too.
func (e *Engine) Link(ctx context.Context, actor *auth.Principal, number string, version int64, link ticket.Link) (*ticket.Ticket, error) {
	if link.Kind == LinkKindAsset {
		return e.LinkAsset(ctx, actor, number, version, link.Target)
	}
	return e.addLink(ctx, actor, number, version, link)
}

// linkable returns the ticket when actor may add a link to it at version.
func (e *Engine) linkable(ctx context.Context, actor *auth.Principal, number string, version int64) (*ticket.Ticket, error) {
	t, err := e.Ticket(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != t.Version {
		return nil, fmt.Errorf("ticket %s is at version %d, not %d: %w", number, t.Version, version, fault.Conflict)
	}
	if !actor.HasPermission("ticket.work") && actor.User != t.Requester {
		return nil, fmt.Errorf("link ticket %s: %w", number, fault.Forbidden)
	}
	return t, nil
}

// addLink writes a link on the ticket's side.
func (e *Engine) addLink(ctx context.Context, actor *auth.Principal, number string, version int64, link ticket.Link) (*ticket.Ticket, error) {
	t, err := e.linkable(ctx, actor, number, version)
	if err != nil {
		return nil, err
	}
	if link.Kind == "" || link.Target == "" {
		return nil, invalid("target", "required", "link_target_required")
	}
	for _, l := range t.Links {
		if l == link {
			return t, nil
		}
	}
	before := t.Links
	t.Links = append(append([]ticket.Link(nil), t.Links...), link)
	now := e.stamp()
	t.Updated = now
	entry := ticket.NewEntry(actorName(actor), ticket.Linked{Link: link})
	entry.At = now
	if err := e.commit(ctx, t, entry); err != nil {
		t.Links = before
		return nil, err
	}
	return t, nil
}

// Links reports whether t links the target with kind.
func Links(t *ticket.Ticket, kind, target string) bool {
	for _, l := range t.Links {
		if l.Kind == kind && l.Target == target {
			return true
		}
	}
	return false
}
