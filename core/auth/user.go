package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// User is a person or integration account, one document in the users
// collection with the user name as _id.
type User struct {
	// Name is the lower-case login and the document's _id.
	Name        string `bson:"_id" json:"name"`
	DisplayName string `bson:"display_name" json:"display_name"`
	Email       string `bson:"email,omitempty" json:"email,omitempty"`
	// Roles are role ids given to the user directly (Role definitions or
	// the built-in admin role). Sorted, without duplicates.
	Roles []string `bson:"roles" json:"roles"`
	// Teams are team ids (Team definitions) the user is a member of; the
	// user holds every role of each. Sorted, without duplicates.
	Teams []string `bson:"teams" json:"teams"`
	// Manager is the user name of the user's line manager (approvals).
	Manager string `bson:"manager,omitempty" json:"manager,omitempty"`
	// Lang is the language of the user's mails: "de" (also when empty) or
	// "en".
	Lang     string `bson:"lang,omitempty" json:"lang,omitempty"`
	Disabled bool   `bson:"disabled" json:"disabled"`
	// Source is where the user signs in: empty for a local account,
	// SourceDirectory for one the directory created or took over at login;
	// such a user has no password hash and is checked against the
	// directory at every login.
	Source string `bson:"source,omitempty" json:"source,omitempty"`
	// TwoFactor says the user signs in with a TOTP code after the
	// password; the secret itself is kept apart (TwoFactorCollection).
	TwoFactor bool `bson:"two_factor,omitempty" json:"two_factor"`
	// PasswordHash is the argon2id hash in PHC format; empty when the user
	// has no password (API tokens only).
	PasswordHash string `bson:"password_hash,omitempty" json:"-"`
	// SessionEpoch is copied into every new session; raising it ends all
	// sessions made before.
	SessionEpoch int64     `bson:"session_epoch" json:"-"`
	Version      int64     `bson:"version" json:"version"`
	Created      time.Time `bson:"created" json:"created"`
	Updated      time.Time `bson:"updated" json:"updated"`
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Name        string
	DisplayName string // default: Name
	Email       string
	Roles       []string
	Teams       []string
	Manager     string
	Lang        string // "de" (default) or "en"
	// Password, if not empty, is hashed and stored; without one the user
	// cannot log in with a password until SetPassword.
	Password string
	// Source: see User.Source.
	Source string
}

// CreateUser stores a new user with version 1. It returns an error wrapping
// fault.Invalid for bad input (every bad field listed) and ErrUserExists if the
// name is taken. Roles and teams must exist in the current catalog (if
// any); the manager must be an existing user.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	u := &User{
		Name:        NormalizeName(nu.Name),
		DisplayName: nu.DisplayName,
		Email:       nu.Email,
		Roles:       normalizeRefs(nu.Roles),
		Teams:       normalizeRefs(nu.Teams),
		Manager:     NormalizeName(nu.Manager),
		Lang:        nu.Lang,
		Source:      nu.Source,
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	var fe fieldErrors
	checkName(&fe, "name", u.Name)
	if err := s.checkProfile(ctx, &fe, u, allProfileFields); err != nil {
		return nil, fmt.Errorf("auth: create user %s: %w", u.Name, err)
	}
	if nu.Password != "" {
		s.checkPassword(&fe, u.Name, nu.Password)
	}
	if err := fe.err(); err != nil {
		return nil, fmt.Errorf("auth: create user: %w", err)
	}
	if nu.Password != "" {
		h, err := s.hash(ctx, nu.Password)
		if err != nil {
			return nil, fmt.Errorf("auth: create user %s: %w", u.Name, err)
		}
		u.PasswordHash = h
	}
	now := s.now()
	u.Created, u.Updated, u.Version = now, now, 1
	if err := s.joinGroups(ctx, u.Name, groupsOf(u)); err != nil {
		return nil, fmt.Errorf("auth: create user %s: %w", u.Name, err)
	}
	if err := s.db.Insert(ctx, UsersCollection, u); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			return nil, fmt.Errorf("auth: create user %s: %w", u.Name, ErrUserExists)
		}
		return nil, fmt.Errorf("auth: create user %s: %w", u.Name, err)
	}
	return u, nil
}

// Profile fields, for checkProfile.
const (
	fieldDisplayName = 1 << iota
	fieldEmail
	fieldRoles
	fieldTeams
	fieldManager
	fieldLang
	allProfileFields = fieldDisplayName | fieldEmail | fieldRoles | fieldTeams | fieldManager | fieldLang
)

// checkProfile checks the profile fields of u selected by fields, adding
// problems to fe. Only unchanged fields are skipped on update, so a role
// removed from the definitions does not block an unrelated edit. The
// error is a database error while looking up the manager.
func (s *Service) checkProfile(ctx context.Context, fe *fieldErrors, u *User, fields int) error {
	if fields&fieldDisplayName != 0 {
		checkText(fe, "display_name", u.DisplayName, maxDisplayName, false)
	}
	if fields&fieldEmail != 0 {
		checkEmail(fe, u.Email)
	}
	cat := s.cfg.Catalog()
	if fields&fieldRoles != 0 {
		checkRoles(fe, u.Roles, cat)
	}
	if fields&fieldTeams != 0 {
		checkTeams(fe, u.Teams, cat)
	}
	if fields&fieldLang != 0 && u.Lang != "" && u.Lang != "de" && u.Lang != "en" {
		fe.add("lang", CodeInvalidFormat, "language %q is not de or en", u.Lang)
	}
	if fields&fieldManager == 0 || u.Manager == "" {
		return nil
	}
	before := len(*fe)
	checkName(fe, "manager", u.Manager)
	if len(*fe) > before {
		return nil
	}
	if u.Manager == u.Name {
		fe.add("manager", CodeSelfReference, "a user cannot be their own manager")
		return nil
	}
	var m User
	err := s.db.Get(ctx, UsersCollection, u.Manager, &m)
	if errors.Is(err, store.ErrNotFound) {
		fe.add("manager", CodeUnknownUser, "user %q does not exist", u.Manager)
		return nil
	}
	return err
}

// User returns the user with the name, or an error wrapping ErrUserNotFound.
func (s *Service) User(ctx context.Context, name string) (*User, error) {
	name = NormalizeName(name)
	if !ValidName(name) {
		return nil, fmt.Errorf("auth: user %q: %w", name, ErrUserNotFound)
	}
	var u User
	if err := s.db.Get(ctx, UsersCollection, name, &u); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("auth: user %s: %w", name, ErrUserNotFound)
		}
		return nil, fmt.Errorf("auth: user %s: %w", name, err)
	}
	return &u, nil
}

// UserChange lists the fields UpdateUser sets; nil fields stay as they are.
type UserChange struct {
	DisplayName *string // empty: the user name
	Email       *string
	Roles       *[]string
	Teams       *[]string
	Manager     *string
	Lang        *string
	// Disabled, when it disables the user, also ends all of the user's
	// sessions (enabling again does not bring them back). API tokens are
	// refused while the user is disabled and work again after.
	Disabled *bool
}

// UpdateUser applies ch to the user if the stored user still has version
// (the one the caller read and showed), as one compare-and-set: if someone
// changed the user meanwhile it changes nothing and returns an error
// wrapping fault.Conflict. It returns the updated user.
func (s *Service) UpdateUser(ctx context.Context, name string, version int64, ch UserChange) (*User, error) {
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	if u.Version != version {
		return nil, fmt.Errorf("auth: update user %s: %w: stored version %d, expected %d", u.Name, fault.Conflict, u.Version, version)
	}
	before := groupsOf(u)
	set := map[string]any{}
	changed := 0
	if ch.DisplayName != nil {
		u.DisplayName = *ch.DisplayName
		if u.DisplayName == "" {
			u.DisplayName = u.Name
		}
		set["display_name"] = u.DisplayName
		changed |= fieldDisplayName
	}
	if ch.Email != nil {
		u.Email = *ch.Email
		set["email"] = u.Email
		changed |= fieldEmail
	}
	if ch.Roles != nil {
		u.Roles = normalizeRefs(*ch.Roles)
		set["roles"] = u.Roles
		changed |= fieldRoles
	}
	if ch.Teams != nil {
		u.Teams = normalizeRefs(*ch.Teams)
		set["teams"] = u.Teams
		changed |= fieldTeams
	}
	if ch.Manager != nil {
		u.Manager = NormalizeName(*ch.Manager)
		set["manager"] = u.Manager
		changed |= fieldManager
	}
	if ch.Lang != nil {
		u.Lang = *ch.Lang
		set["lang"] = u.Lang
		changed |= fieldLang
	}
	if ch.Disabled != nil {
		if *ch.Disabled && !u.Disabled {
			u.SessionEpoch++
			set["session_epoch"] = u.SessionEpoch
		}
		u.Disabled = *ch.Disabled
		set["disabled"] = u.Disabled
	}
	var fe fieldErrors
	if err := s.checkProfile(ctx, &fe, u, changed); err != nil {
		return nil, fmt.Errorf("auth: update user %s: %w", u.Name, err)
	}
	if err := fe.err(); err != nil {
		return nil, fmt.Errorf("auth: update user %s: %w", u.Name, err)
	}
	after := groupsOf(u)
	if err := s.joinGroups(ctx, u.Name, without(after, before)); err != nil {
		return nil, fmt.Errorf("auth: update user %s: %w", u.Name, err)
	}
	u.Updated = s.now()
	set["updated"] = u.Updated
	v, err := s.db.Update(ctx, UsersCollection, u.Name, version, map[string]any{"$set": set})
	if err != nil {
		return nil, s.userWriteError("update user", u.Name, err)
	}
	u.Version = v
	s.leaveGroups(ctx, u.Name, without(before, after))
	return u, nil
}

// SetPassword checks password against the password policy, stores its hash
// and ends all of the user's sessions (API tokens stay valid). It retries
// when the user changes concurrently, so it needs no version.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	name = NormalizeName(name)
	var fe fieldErrors
	s.checkPassword(&fe, name, password)
	if err := fe.err(); err != nil {
		return fmt.Errorf("auth: set password of %s: %w", name, err)
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return fmt.Errorf("auth: set password of %s: %w", name, err)
	}
	return s.modifyUser(ctx, "set password", name, func(u *User) map[string]any {
		return map[string]any{"password_hash": h, "session_epoch": u.SessionEpoch + 1}
	})
}

// RevokeSessions ends every session of the user ("log out everywhere").
// The session documents are removed when next presented, or by Sweep.
func (s *Service) RevokeSessions(ctx context.Context, name string) error {
	return s.modifyUser(ctx, "revoke sessions", NormalizeName(name), func(u *User) map[string]any {
		return map[string]any{"session_epoch": u.SessionEpoch + 1}
	})
}

// modifyUser reads the user, computes fields to $set and writes them with
// compare-and-set, retrying on conflict.
func (s *Service) modifyUser(ctx context.Context, what, name string, set func(*User) map[string]any) error {
	for range maxCASAttempts {
		u, err := s.User(ctx, name)
		if err != nil {
			return err
		}
		fields := set(u)
		fields["updated"] = s.now()
		_, err = s.db.Update(ctx, UsersCollection, u.Name, u.Version, map[string]any{"$set": fields})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return s.userWriteError(what, name, err)
		}
		return nil
	}
	return fmt.Errorf("auth: %s of %s: %w: gave up after %d attempts", what, name, fault.Conflict, maxCASAttempts)
}

func (s *Service) userWriteError(what, name string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("auth: %s %s: %w", what, name, ErrUserNotFound)
	}
	return fmt.Errorf("auth: %s %s: %w", what, name, err)
}
