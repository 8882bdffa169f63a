package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"vorgang/core/fault"
)

// User administration while the server runs: who may do it (only
// administrators), what may be changed of a directory user (only whether
// it is disabled), and the audit log entry of every change. The web layer
// calls these with the caller's principal and decides nothing itself.

// ErrAdminRequired refuses user administration to a caller who is not an
// administrator; it is of kind fault.Forbidden.
var ErrAdminRequired = fault.New(fault.Forbidden, "auth: only administrators manage users")

// CodeDirectoryManaged marks a field the directory manages (of a user with
// source directory), and a password operation on such a user: the
// directory checks its password.
const CodeDirectoryManaged = "directory_managed"

// CodeSelfLockout refuses a change by which administrators would disable
// themselves or take away their own administrator role.
const CodeSelfLockout = "self_lockout"

// CodeWrongPassword: the current password given to change one's own is
// not the user's.
const CodeWrongPassword = "wrong_password"

// ErrDirectoryManaged refuses a password operation on a directory user; it
// is of kind fault.NotAllowedNow with the code CodeDirectoryManaged.
var ErrDirectoryManaged = fault.Coded(fault.NotAllowedNow, CodeDirectoryManaged, "auth: the directory manages this user's password")

// External reports whether an identity source outside vorgang manages
// the user (the directory, SourceDirectory, or any other source a
// sign-on sets): such a user has no local password, and the fields of
// DirectoryManaged are set by that source at every login and sync.
func (u *User) External() bool { return u.Source != "" }

// DirectoryManaged lists the fields of an external user (see External)
// that its identity source sets, so they are shown read-only.
var DirectoryManaged = []string{"display_name", "email", "lang", "manager", "roles", "teams"}

func requireAdmin(by *Principal) error {
	if by == nil || !by.Admin {
		return ErrAdminRequired
	}
	return nil
}

// AdminCreateUser creates a local user on behalf of the administrator by
// (CreateUser's checks and errors) and records it in the audit log. A
// password is optional: without one the user gets one through a reset
// link (AdminResetLink).
func (s *Service) AdminCreateUser(ctx context.Context, by *Principal, nu NewUser) (*User, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	nu.Source = ""
	u, err := s.CreateUser(ctx, nu)
	if err != nil {
		return nil, err
	}
	var changes []AuditChange
	for _, c := range []AuditChange{
		{Field: "display_name", To: u.DisplayName}, {Field: "email", To: u.Email}, {Field: "roles", To: strings.Join(u.Roles, ", ")},
		{Field: "teams", To: strings.Join(u.Teams, ", ")}, {Field: "manager", To: u.Manager}, {Field: "lang", To: u.Lang},
	} {
		if c.To != "" {
			changes = append(changes, c)
		}
	}
	if u.PasswordHash != "" {
		changes = append(changes, AuditChange{Field: "password", To: "(set)"})
	}
	s.audit(ctx, by, AuditUserCreated, u.Name, changes, "")
	u.PasswordHash = ""
	return u, nil
}

// AdminUser returns a user for an administrator, without the password
// hash.
func (s *Service) AdminUser(ctx context.Context, by *Principal, name string) (*User, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// AdminListUsers lists users for an administrator (see ListUsers).
func (s *Service) AdminListUsers(ctx context.Context, by *Principal, after string, limit int) ([]User, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	return s.ListUsers(ctx, NormalizeName(after), limit)
}

// AdminUpdateUser changes a user on behalf of the administrator by, with
// UpdateUser's compare-and-set on version, and records what changed.
//
// Of an external user (the directory's, see External) only Disabled may
// change: the other fields come from its identity source (each one set is refused with CodeDirectoryManaged).
// Administrators may not disable themselves or take away their own
// administrator rights (CodeSelfLockout), so an installation is never
// left without the administrator who was working on it.
func (s *Service) AdminUpdateUser(ctx context.Context, by *Principal, name string, version int64, ch UserChange) (*User, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	before, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	var fe fieldErrors
	if version < 1 {
		fe.add("version", CodeRequired, "is required: the version of the user the change was made on")
	}
	if before.External() {
		for field, set := range map[string]bool{"display_name": ch.DisplayName != nil, "email": ch.Email != nil, "lang": ch.Lang != nil,
			"manager": ch.Manager != nil, "roles": ch.Roles != nil, "teams": ch.Teams != nil} {
			if set {
				fe.add(field, CodeDirectoryManaged, "is managed by the directory")
			}
		}
	}
	if before.Name == by.User {
		if ch.Disabled != nil && *ch.Disabled {
			fe.add("disabled", CodeSelfLockout, "administrators cannot disable themselves")
		}
		after := *before
		if ch.Roles != nil {
			after.Roles = normalizeRefs(*ch.Roles)
		}
		if ch.Teams != nil {
			after.Teams = normalizeRefs(*ch.Teams)
		}
		if !PrincipalOf(&after, s.cfg.Catalog()).Admin {
			field := "roles"
			if ch.Roles == nil {
				field = "teams"
			}
			fe.add(field, CodeSelfLockout, "administrators cannot take away their own administrator rights")
		}
	}
	if err := fe.sorted().err(); err != nil {
		return nil, fmt.Errorf("auth: update user %s: %w", before.Name, err)
	}
	u, err := s.UpdateUser(ctx, before.Name, version, ch)
	if err != nil {
		return nil, err
	}
	changes := diffUsers(before, u)
	action := AuditUserUpdated
	if before.Disabled != u.Disabled {
		// Disabling or enabling is recorded as its own action; other
		// fields changed in the same request are recorded with it.
		action = AuditUserEnabled
		if u.Disabled {
			action = AuditUserDisabled
		}
	}
	if len(changes) > 0 {
		s.audit(ctx, by, action, u.Name, changes, "")
	}
	u.PasswordHash = ""
	return u, nil
}

// sorted orders the field errors by field, so an answer does not depend
// on map order.
func (fe fieldErrors) sorted() fieldErrors {
	slices.SortStableFunc(fe, func(a, b fault.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return fe
}

// diffUsers lists the profile fields that differ between two versions of
// a user.
func diffUsers(a, b *User) []AuditChange {
	var out []AuditChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, AuditChange{Field: field, From: from, To: to})
		}
	}
	add("display_name", a.DisplayName, b.DisplayName)
	add("email", a.Email, b.Email)
	add("roles", strings.Join(a.Roles, ", "), strings.Join(b.Roles, ", "))
	add("teams", strings.Join(a.Teams, ", "), strings.Join(b.Teams, ", "))
	add("manager", a.Manager, b.Manager)
	add("lang", a.Lang, b.Lang)
	add("disabled", fmt.Sprint(a.Disabled), fmt.Sprint(b.Disabled))
	return out
}

// AdminRevokeSessions ends every session of the user ("sign out
// everywhere") on behalf of an administrator.
func (s *Service) AdminRevokeSessions(ctx context.Context, by *Principal, name string) error {
	if err := requireAdmin(by); err != nil {
		return err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return err
	}
	if err := s.RevokeSessions(ctx, u.Name); err != nil {
		return err
	}
	s.audit(ctx, by, AuditSessionsRevoked, u.Name, nil, "")
	return nil
}

// AdminResetTwoFactor turns a user's two-factor sign-in off on behalf of
// an administrator (see ResetTwoFactor: for a person who lost the device
// and the recovery codes) and records it.
func (s *Service) AdminResetTwoFactor(ctx context.Context, by *Principal, name string) error {
	if err := requireAdmin(by); err != nil {
		return err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return err
	}
	if err := s.ResetTwoFactor(ctx, u.Name); err != nil {
		return err
	}
	s.audit(ctx, by, AuditTwoFactorReset, u.Name, nil, "")
	return nil
}

// AdminListTokens lists a user's API tokens for an administrator.
func (s *Service) AdminListTokens(ctx context.Context, by *Principal, name string) ([]Token, error) {
	if err := requireAdmin(by); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.ListTokens(ctx, u.Name)
}

// AdminRevokeToken deletes a user's API token on behalf of an
// administrator.
func (s *Service) AdminRevokeToken(ctx context.Context, by *Principal, name, id string) error {
	if err := requireAdmin(by); err != nil {
		return err
	}
	u, err := s.User(ctx, name)
	if err != nil {
		return err
	}
	return s.revokeAudited(ctx, by, u.Name, id, AuditTokenRevoked)
}

// revokeAudited revokes the token and records it with the token's name.
func (s *Service) revokeAudited(ctx context.Context, by *Principal, user, id, action string) error {
	tokens, err := s.ListTokens(ctx, user)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(tokens, func(t Token) bool { return t.ID == id })
	if i < 0 {
		return fmt.Errorf("auth: revoke token of %s: %w", user, ErrTokenNotFound)
	}
	if err := s.RevokeToken(ctx, user, id); err != nil {
		return err
	}
	s.audit(ctx, by, action, user, nil, tokens[i].Name)
	return nil
}
