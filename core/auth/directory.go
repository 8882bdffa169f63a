package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// SourceDirectory marks a user whose password the directory checks.
const SourceDirectory = "directory"

// maxDirectoryLogin bounds what is sent to the directory as a login (a DN
// is longer than a user name).
const maxDirectoryLogin = 512

// Directory checks passwords against a directory such as LDAP or Active
// Directory; core/app adapts core/identity to it.
type Directory interface {
	// Configured reports whether the current definitions name a
	// directory; when not, Login checks local passwords only.
	Configured() bool
	// Authenticate checks the login as typed (user name, user@domain or
	// DN) and password. Its errors: ErrDirectoryPersonGone when no enabled
	// person answers to login, an error of kind fault.Unauthenticated for a
	// wrong password, fault.Unavailable when the directory cannot be
	// asked.
	Authenticate(ctx context.Context, login, password string) (*DirectoryPerson, error)
}

// DirectoryPerson is what the directory says about a person.
type DirectoryPerson struct {
	Login       string
	DisplayName string
	Email       string
	Lang        string
	Manager     string
	Roles       []string
	Teams       []string
}

// ErrDirectoryPersonGone reports that the directory holds no enabled
// person with the login: a user it created is disabled. Clients see a
// failed login like any other.
var ErrDirectoryPersonGone = fault.Coded(fault.Unauthenticated, CodeInvalidCredentials, "auth: no such person in the directory")

// directoryLogin checks a login against the directory and creates or
// updates the user from its answer. typed is the login as entered, name
// its normalized form (the counters' key). A local account with a password
// that fails here keeps it: only a directory success takes it over.
// localFailed says the password was wrong for a local account already:
// then a directory that is down does not change the answer.
func (s *Service) directoryLogin(ctx context.Context, typed, name, password, client string, now time.Time, localFailed bool, sf secondFactor) (*Session, error) {
	counters := s.counters(accountKey(name), client)
	standing, err := s.throttled(ctx, counters, now)
	if err != nil {
		if errors.Is(err, ErrThrottled) {
			return nil, err
		}
		return nil, fmt.Errorf("auth: login %s: %w", name, err)
	}
	p, err := s.cfg.Directory.Authenticate(ctx, typed, password)
	switch {
	case err == nil:
	case fault.KindOf(err) == fault.Unavailable && !localFailed:
		// The directory is down: nobody is told their password is wrong,
		// and nothing is counted against them.
		s.log.WarnContext(ctx, "directory unavailable at login", slog.String("user", name), slog.Any("error", err))
		return nil, fmt.Errorf("auth: login %s: %w", name, err)
	default:
		if errors.Is(err, ErrDirectoryPersonGone) {
			s.disableDirectoryUser(ctx, name)
		}
		if rerr := s.recordFailures(ctx, counters, standing, now); rerr != nil {
			s.log.WarnContext(ctx, "could not count a failed login", slog.String("user", name), slog.Any("error", rerr))
		}
		s.log.InfoContext(ctx, "directory refused a login", slog.String("user", name), slog.Any("error", err))
		return nil, ErrInvalidCredentials
	}
	u, err := s.syncExternalUser(ctx, p, SourceDirectory, true)
	if errors.Is(err, ErrLocalAccount) {
		// A local administrator's name, or a local account protected by a
		// second factor: the directory's person of that name does not get
		// the account (see syncExternalUser).
		s.log.WarnContext(ctx, "directory login refused: a local account that is not taken over has the name", slog.String("user", p.Login))
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("auth: login %s: %w", name, err)
	}
	if u.Disabled {
		return nil, fmt.Errorf("auth: login %s: %w", u.Name, ErrUserDisabled)
	}
	// The directory's password is the first factor only: a user who
	// turned on two-factor sign-in (or a local account with it, taken
	// over just now) still gives the code.
	return s.passwordAccepted(ctx, u, counters, standing, now, sf)
}

// mayTakeOver reports whether a directory login may take over u, a user of
// another source: never a local administrator (the way in that works
// while the directory is down), never an account its owner protected with
// a second factor (whoever holds the name in the directory would sign in
// without it from then on).
func (s *Service) mayTakeOver(ctx context.Context, u *User) (bool, error) {
	if slices.Contains(u.Roles, RoleAdmin) {
		return false, nil
	}
	d, err := s.twoFactorDoc(ctx, u.Name)
	if err != nil {
		return false, err
	}
	return !d.on(), nil
}

// accountKey is the name failed directory logins are counted under. One
// person can be named as k.mueller, k.mueller@example.org or
// uid=k.mueller,ou=people,…; counting each spelling apart would give a
// guesser three times the attempts. The user part of user@domain and the
// value of a DN's first component stand for the account; where they differ
// from the login attribute the count is merely split, never shared by two
// people's logins beyond what their names share.
func accountKey(name string) string {
	if first, _, ok := strings.Cut(name, ","); ok {
		if _, v, ok := strings.Cut(first, "="); ok {
			return strings.TrimSpace(v)
		}
	}
	if user, _, ok := strings.Cut(name, "@"); ok && user != "" {
		return user
	}
	return name
}

// disableDirectoryUser disables the user of a directory that no longer
// knows them. A local account is left alone.
func (s *Service) disableDirectoryUser(ctx context.Context, name string) {
	u, err := s.User(ctx, name)
	if err != nil || u.Source != SourceDirectory || u.Disabled {
		return
	}
	yes := true
	if _, err := s.UpdateUser(ctx, u.Name, u.Version, UserChange{Disabled: &yes}); err != nil {
		s.log.WarnContext(ctx, "could not disable a user the directory no longer holds", slog.String("user", name), slog.Any("error", err))
		return
	}
	s.log.InfoContext(ctx, "user disabled: the directory no longer holds them", slog.String("user", name))
}

// ErrLocalAccount reports that a local account holds the name of a
// directory person: the sync leaves it alone, only the person's login with
// the directory password takes it over. It is of kind fault.Conflict.
var ErrLocalAccount = fault.New(fault.Conflict, "auth: a local account has the name")

// SyncDirectoryUser creates or updates the user the directory describes:
// profile, roles and teams come from the directory, the password stays
// there. A disabled user stays disabled: an administrator enables them
// again. A local account of the same name is not touched (ErrLocalAccount).
// It returns the stored user.
func (s *Service) SyncDirectoryUser(ctx context.Context, p *DirectoryPerson) (*User, error) {
	return s.syncExternalUser(ctx, p, SourceDirectory, false)
}

// syncExternalUser creates or updates the user of source (the directory,
// or an OpenID provider's sign-on) that p describes. takeOver says the
// person proved the directory password at login, which lets a local
// account of the name (or one of another source) become theirs where
// mayTakeOver allows; otherwise a user of another source is ErrLocalAccount.
func (s *Service) syncExternalUser(ctx context.Context, p *DirectoryPerson, source string, takeOver bool) (*User, error) {
	name := NormalizeName(p.Login)
	manager := s.knownManager(ctx, name, p.Manager)
	lang := p.Lang
	for range maxCASAttempts {
		u, err := s.User(ctx, name)
		if errors.Is(err, ErrUserNotFound) {
			u, err = s.CreateUser(ctx, NewUser{Name: name, DisplayName: p.DisplayName, Email: p.Email,
				Roles: p.Roles, Teams: p.Teams, Manager: manager, Lang: lang, Source: source})
			if errors.Is(err, ErrUserExists) {
				continue
			}
			return u, err
		}
		if err != nil {
			return nil, err
		}
		local := u.Source != source
		if local {
			allowed := takeOver
			if allowed {
				if allowed, err = s.mayTakeOver(ctx, u); err != nil {
					return nil, err
				}
			}
			if !allowed {
				return nil, fmt.Errorf("auth: sync %s user %s: %w", source, name, ErrLocalAccount)
			}
		}
		if local || u.PasswordHash != "" {
			// A local account taken over, or a directory user someone
			// gave a password by hand: from now on the directory's
			// password counts, the local one is dropped.
			if err := s.takeOver(ctx, u, source); err != nil {
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				return nil, err
			}
			continue
		}
		ch := UserChange{}
		display := p.DisplayName
		if display == "" {
			display = name
		}
		if display != u.DisplayName {
			ch.DisplayName = &display
		}
		if p.Email != u.Email {
			ch.Email = &p.Email
		}
		if lang != u.Lang {
			ch.Lang = &lang
		}
		if manager != u.Manager {
			ch.Manager = &manager
		}
		if roles := normalizeRefs(p.Roles); !slices.Equal(roles, u.Roles) {
			ch.Roles = &roles
		}
		if teams := normalizeRefs(p.Teams); !slices.Equal(teams, u.Teams) {
			ch.Teams = &teams
		}
		if ch == (UserChange{}) {
			return u, nil
		}
		u, err = s.UpdateUser(ctx, name, u.Version, ch)
		if fault.KindOf(err) == fault.Conflict {
			continue
		}
		return u, err
	}
	return nil, fmt.Errorf("auth: sync %s user %s: %w: gave up after %d attempts", source, name, fault.Conflict, maxCASAttempts)
}

// takeOver marks a local user as source's, drops the local password and
// ends the account's sessions: whoever signed in with the local password
// may not be the person the directory knows by the name.
func (s *Service) takeOver(ctx context.Context, u *User, source string) error {
	_, err := s.db.Update(ctx, UsersCollection, u.Name, u.Version, map[string]any{
		"$set":   map[string]any{"source": source, "session_epoch": u.SessionEpoch + 1, "updated": s.now()},
		"$unset": map[string]any{"password_hash": ""},
	})
	if err == nil {
		s.log.InfoContext(ctx, "local user taken over", slog.String("user", u.Name), slog.String("source", source))
	}
	return err
}

// knownManager returns the manager's user name if vorgang knows the
// manager; a manager who never signed in is left out until they do, as a
// user's manager must be a user.
func (s *Service) knownManager(ctx context.Context, name, manager string) string {
	manager = NormalizeName(manager)
	if manager == "" || manager == name {
		return ""
	}
	if _, err := s.User(ctx, manager); err != nil {
		return ""
	}
	return manager
}
