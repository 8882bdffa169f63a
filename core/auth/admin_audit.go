package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// AdminAuditCollection holds the admin audit log: one document per change
// to a user (who did what, when, to which user), with the sequence number
// as _id, zero-padded so the ids sort like the numbers. A head document
// (_id auditHead) holds the last number handed out.
//
// Every read is by _id: a page of the log, newest first, reads the numbers
// below the one it starts at. The log therefore needs no query shape and
// no index on either backend, and it never scans however long it grows.
const AdminAuditCollection = "admin_audit"

// PasswordResetsCollection holds the open password reset links, one per
// user, with the user name as _id: a new link replaces the one before.
const PasswordResetsCollection = "password_resets"

// adminSchema declares the collections of user administration.
func adminSchema() store.Schema {
	// Reset links are one per user at most: a sweep of the expired ones
	// may read them all.
	return store.Schema{{Name: AdminAuditCollection}, {Name: PasswordResetsCollection,
		Shapes: []store.QueryShape{{Name: shapeExpiredResetLinks, Keys: []string{"expires"}, Scans: true}}}}
}

// Actions of the admin audit log, stable for API clients.
const (
	AuditUserCreated       = "user.created"
	AuditUserUpdated       = "user.updated"
	AuditUserDisabled      = "user.disabled"
	AuditUserEnabled       = "user.enabled"
	AuditResetLinkCreated  = "user.password_reset_link"
	AuditPasswordSetByLink = "user.password_set_by_link"
	AuditSessionsRevoked   = "user.sessions_revoked"
	AuditTokenRevoked      = "user.token_revoked"
	AuditTwoFactorReset    = "user.two_factor_reset"
	AuditOwnPassword       = "account.password_changed"
	AuditOwnTokenRevoked   = "account.token_revoked"
)

// ActorCommandLine is the actor of changes made with `vorgang user`: no
// user name can have it.
const ActorCommandLine = "(command line)"

// CommandLine is the principal of the command line on the server: it may
// administer users (whoever runs it can read the data folder anyway).
func CommandLine() *Principal {
	return &Principal{User: ActorCommandLine, Display: ActorCommandLine, Roles: []string{RoleAdmin}, Teams: []string{},
		Permissions: map[string]bool{}, Admin: true}
}

// AuditEntry is one change in the admin audit log.
type AuditEntry struct {
	ID  string    `bson:"_id" json:"-"`
	Seq int64     `bson:"seq" json:"seq"`
	At  time.Time `bson:"at" json:"at"`
	// Actor is the user name of who made the change (ActorCommandLine for
	// the command line).
	Actor  string `bson:"actor" json:"actor"`
	Action string `bson:"action" json:"action"`
	// User is the user the change was made to.
	User string `bson:"user" json:"user"`
	// Changes are the fields an update changed, before and after.
	// Passwords and secrets are never part of them.
	Changes []AuditChange `bson:"changes,omitempty" json:"changes,omitempty"`
	// Detail names what else the action concerned: the name of a revoked
	// API token.
	Detail string `bson:"detail,omitempty" json:"detail,omitempty"`
}

// AuditChange is one changed field of a user.
type AuditChange struct {
	Field string `bson:"field" json:"field"`
	From  string `bson:"from" json:"from"`
	To    string `bson:"to" json:"to"`
}

const auditHead = "head"

type auditHeadDoc struct {
	ID      string `bson:"_id"`
	Last    int64  `bson:"last"`
	Version int64  `bson:"version"`
}

func auditID(seq int64) string { return fmt.Sprintf("%019d", seq) }

// audit records an entry. The change it records has been made, so a
// failure is logged (at ERROR, with the whole entry) rather than turned
// into a failed request the caller might repeat.
func (s *Service) audit(ctx context.Context, by *Principal, action, user string, changes []AuditChange, detail string) {
	e := AuditEntry{At: s.now(), Actor: by.User, Action: action, User: user, Changes: changes, Detail: detail}
	if err := s.appendAudit(ctx, &e); err != nil {
		s.log.ErrorContext(ctx, "could not record a change in the admin audit log", slog.String("actor", e.Actor),
			slog.String("action", e.Action), slog.String("user", e.User), slog.Any("changes", e.Changes), slog.Any("error", err))
	}
}

// appendAudit takes the next sequence number with compare-and-set on the
// head and stores the entry under it.
func (s *Service) appendAudit(ctx context.Context, e *AuditEntry) error {
	for range maxCASAttempts {
		var h auditHeadDoc
		err := s.db.Get(ctx, AdminAuditCollection, auditHead, &h)
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = s.db.Insert(ctx, AdminAuditCollection, auditHeadDoc{ID: auditHead, Last: 1, Version: 1})
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			h.Last = 0
		case err == nil:
			_, err = s.db.Update(ctx, AdminAuditCollection, auditHead, h.Version, map[string]any{"$set": map[string]any{"last": h.Last + 1}})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("auth: audit log: %w", err)
		}
		e.Seq = h.Last + 1
		e.ID = auditID(e.Seq)
		if err := s.db.Insert(ctx, AdminAuditCollection, e); err != nil {
			return fmt.Errorf("auth: audit log entry %d: %w", e.Seq, err)
		}
		return nil
	}
	return fmt.Errorf("auth: audit log: %w: gave up after %d attempts", fault.Conflict, maxCASAttempts)
}

// MaxAuditPage bounds a page of the admin audit log.
const MaxAuditPage = 200

// AuditLog returns a page of the admin audit log, newest first: up to
// limit entries (at most MaxAuditPage) with sequence numbers below before
// (0: from the newest). next is the before of the following page, 0 when
// this is the last. Only administrators may read it.
func (s *Service) AuditLog(ctx context.Context, by *Principal, before int64, limit int) (entries []AuditEntry, next int64, err error) {
	if err := requireAdmin(by); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	var h auditHeadDoc
	err = s.db.Get(ctx, AdminAuditCollection, auditHead, &h)
	if errors.Is(err, store.ErrNotFound) {
		return []AuditEntry{}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("auth: audit log: %w", err)
	}
	start := h.Last
	if before > 0 && before-1 < start {
		start = before - 1
	}
	entries = []AuditEntry{}
	seq := start
	// A number whose entry was never stored (a failed write) leaves a
	// gap that is skipped; the page then holds fewer entries.
	for ; seq >= 1 && seq > start-int64(limit); seq-- {
		var e AuditEntry
		err := s.db.Get(ctx, AdminAuditCollection, auditID(seq), &e)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("auth: audit log entry %d: %w", seq, err)
		}
		entries = append(entries, e)
	}
	if seq >= 1 {
		next = seq + 1
	}
	return entries, next, nil
}
