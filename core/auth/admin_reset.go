package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// ResetLinkTTL is how long a password reset link works: long enough to
// reach someone by phone or mail the next working day, short enough that
// a link left in a chat history goes stale.
const ResetLinkTTL = 24 * time.Hour

// shapeExpiredResetLinks finds the reset links nobody used in time.
const shapeExpiredResetLinks = "password_resets.expired"

// CodeResetLinkInvalid: the password reset link is unknown, used, expired
// or replaced by a newer one, or its user can no longer get a password.
const CodeResetLinkInvalid = "reset_link_invalid"

// ErrResetLinkInvalid is the one answer for a link that does not work, so
// that it tells nothing about which user names exist. It is of kind
// fault.NotFound.
var ErrResetLinkInvalid = fault.Coded(fault.NotFound, CodeResetLinkInvalid, "auth: password reset link is not valid")

// resetDoc is a user's open password reset link, in PasswordResetsCollection
// with the user name as _id. Only the SHA-256 of the link's secret is
// kept.
type resetDoc struct {
	User      string    `bson:"_id"`
	TokenHash string    `bson:"token_hash"`
	Expires   time.Time `bson:"expires"`
	CreatedBy string    `bson:"created_by"`
	Used      bool      `bson:"used"`
	Version   int64     `bson:"version"`
}

// ResetLink is a one-time link for setting a password.
type ResetLink struct {
	// Token goes into the link's path (/app/password/TOKEN): the secret,
	// a dot, the user name. It is shown to the administrator once and
	// cannot be recovered.
	Token   string
	User    string
	Expires time.Time
}

// AdminResetLink makes a one-time link by which the user sets a new
// password, on behalf of an administrator. It replaces the user's earlier
// link. The current password keeps working until the link is used (an
// administrator who fears it is known disables the user or revokes the
// sessions as well). A directory user gets ErrDirectoryManaged.
func (s *Service) AdminResetLink(ctx context.Context, by *Principal, name string) (*ResetLink, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	if u.External() {
		return nil, fmt.Errorf("auth: reset link for %s: %w", u.Name, ErrDirectoryManaged)
	}
	if u.Disabled {
		return nil, fmt.Errorf("auth: reset link for %s: %w: %w", u.Name, fault.NotAllowedNow, ErrUserDisabled)
	}
	secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := resetDoc{User: u.Name, TokenHash: secretID(secret), Expires: now.Add(ResetLinkTTL), CreatedBy: by.User, Version: 1}
	if err := s.db.Delete(ctx, PasswordResetsCollection, u.Name); err != nil {
		return nil, fmt.Errorf("auth: reset link for %s: %w", u.Name, err)
	}
	if err := s.db.Insert(ctx, PasswordResetsCollection, d); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			// Another administrator made a link at the same moment; theirs
			// stands, and this one would not work.
			return nil, fmt.Errorf("auth: reset link for %s: %w", u.Name, fault.Conflict)
		}
		return nil, fmt.Errorf("auth: reset link for %s: %w", u.Name, err)
	}
	s.audit(ctx, by, AuditResetLinkCreated, u.Name, nil, "")
	return &ResetLink{Token: secret + "." + u.Name, User: u.Name, Expires: d.Expires}, nil
}

// CheckResetLink returns the name of the user whose password the link
// sets, or ErrResetLinkInvalid.
func (s *Service) CheckResetLink(ctx context.Context, token string) (string, error) {
	d, err := s.resetLink(ctx, token)
	if err != nil {
		return "", err
	}
	return d.User, nil
}

// resetLink finds the open link of the token and checks that it works.
func (s *Service) resetLink(ctx context.Context, token string) (*resetDoc, error) {
	secret, name, ok := strings.Cut(token, ".")
	if !ok || !wellFormedSecret(secret) || !ValidName(name) {
		return nil, ErrResetLinkInvalid
	}
	var d resetDoc
	err := s.db.Get(ctx, PasswordResetsCollection, name, &d)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrResetLinkInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("auth: reset link: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(d.TokenHash), []byte(secretID(secret))) != 1 || d.Used || !s.now().Before(d.Expires) {
		return nil, ErrResetLinkInvalid
	}
	u, err := s.User(ctx, name)
	if errors.Is(err, ErrUserNotFound) {
		return nil, ErrResetLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled || u.External() {
		return nil, ErrResetLinkInvalid
	}
	return &d, nil
}

// SetPasswordByLink sets the password of the link's user and uses the link
// up: a second use, like an expired or replaced link, gets
// ErrResetLinkInvalid. A password the policy refuses leaves the link
// working, so the person can try another. As with SetPassword, the user's
// sessions end. It returns the user's name.
func (s *Service) SetPasswordByLink(ctx context.Context, token, password string) (string, error) {
	d, err := s.resetLink(ctx, token)
	if err != nil {
		return "", err
	}
	var fe fieldErrors
	s.checkPassword(&fe, d.User, password)
	if err := fe.err(); err != nil {
		return "", fmt.Errorf("auth: set password by link: %w", err)
	}
	// Mark the link used first, with compare-and-set: of two uses at the
	// same moment only one gets through.
	if _, err := s.db.Update(ctx, PasswordResetsCollection, d.User, d.Version, map[string]any{"$set": map[string]any{"used": true}}); err != nil {
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			return "", ErrResetLinkInvalid
		}
		return "", fmt.Errorf("auth: set password by link: %w", err)
	}
	if err := s.SetPassword(ctx, d.User, password); err != nil {
		return "", err
	}
	if err := s.db.Delete(ctx, PasswordResetsCollection, d.User); err != nil {
		s.log.WarnContext(ctx, "could not delete a used password reset link; it stays unusable", "user", d.User, "error", err)
	}
	s.audit(ctx, &Principal{User: d.User}, AuditPasswordSetByLink, d.User, nil, "")
	return d.User, nil
}
