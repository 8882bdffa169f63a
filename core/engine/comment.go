package engine

import (
	"context"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/ticket"
)

// Comment adds a comment to a ticket. Internal comments are for staff only.
func (e *Engine) Comment(ctx context.Context, actor *auth.Principal, number string, version int64, text string, internal bool, lang string) (*ticket.Ticket, error) {
	return e.CommentWithFiles(ctx, actor, number, version, text, internal, nil, lang)
}

// CommentWithFiles is Comment with attachments (ids of stored
// attachments); a comment needs a text or a file. The files are visible to
// whoever sees the comment. A comment without a version is added to
// whatever version the ticket has when it lands (see change).
func (e *Engine) CommentWithFiles(ctx context.Context, actor *auth.Principal, number string, version int64, text string, internal bool, files []string, lang string) (*ticket.Ticket, error) {
	text = strings.TrimSpace(text)
	t, err := e.change(ctx, version, func() (*ticket.Ticket, error) { return e.Ticket(ctx, actor, number) },
		func(*ticket.Ticket) (*ticket.HistoryEntry, error) {
			if text == "" && len(files) == 0 {
				return nil, invalid("comment", "required", "comment_required")
			}
			if internal && !MayCommentInternal(actor) {
				return nil, fmt.Errorf("internal comment: %w", fault.Forbidden)
			}
			return ticket.NewEntry(actorName(actor), ticket.Commented{Text: text, Internal: internal, Files: files}), nil
		})
	if err != nil || internal || actor == nil || t.Requester != actor.User {
		return t, err
	}
	return e.afterRequesterReply(ctx, t), nil
}
