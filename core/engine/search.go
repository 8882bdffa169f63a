package engine

import (
	"context"
	"fmt"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/search"
)

// Searcher runs full-text queries; *search.Index implements it.
type Searcher interface {
	Search(ctx context.Context, q search.Query) (*search.Result, error)
}

var _ Searcher = (*search.Index)(nil)

// SearchRequest is a full-text search of tickets.
type SearchRequest struct {
	// Text: words and "phrases", all of which must occur.
	Text string
	// Filters; empty: any.
	Process, State, Team string
	// CreatedFrom (inclusive) and CreatedTo (exclusive); zero: open.
	CreatedFrom, CreatedTo time.Time
	// Offset and Limit page the hits (Limit 0: 20, at most search.MaxPage).
	Offset, Limit int
}

// Search finds the tickets actor may see (maySee) whose texts hold the
// words of req: the permission is part of the query the index runs, so a
// ticket actor may not see is neither on the page nor counted, and the
// internal comments are searched and quoted only for holders of
// ticket.comment_internal, as History shows them. Citizens have no
// ticket search (they follow their tracking link).
func (e *Engine) Search(ctx context.Context, actor *auth.Principal, req SearchRequest) (*search.Result, error) {
	if actor == nil {
		return nil, fmt.Errorf("search tickets: %w", fault.Unauthenticated)
	}
	if e.searcher == nil {
		return nil, fmt.Errorf("search tickets: no search index: %w", fault.Unavailable)
	}
	return e.searcher.Search(ctx, search.Query{
		Text: req.Text, Process: req.Process, State: req.State, Team: req.Team,
		CreatedFrom: req.CreatedFrom, CreatedTo: req.CreatedTo, Offset: req.Offset, Limit: req.Limit,
		Scope: SearchScope(actor),
	})
}

// SearchScope is what actor may find, by the rules of maySee: tickets they
// requested, are assigned or decide as approver (the index's viewers), the
// tickets of their teams with ticket.read_team, every ticket with
// ticket.read_all; internal comments with ticket.comment_internal.
func SearchScope(actor *auth.Principal) search.Scope {
	if actor == nil {
		return search.Scope{}
	}
	s := search.Scope{
		All:      actor.HasPermission("ticket.read_all"),
		Users:    []string{actor.User},
		Internal: MayCommentInternal(actor),
	}
	if actor.HasPermission("ticket.read_team") {
		s.Teams = actor.Teams
	}
	return s
}
