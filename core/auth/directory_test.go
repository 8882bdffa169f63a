package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// fakeDirectory answers logins from a table; down makes it unreachable.
// The real directory is tested against slapd in core/identity, core/app
// and core/web; this one lets the login rules be tested on their own.
type fakeDirectory struct {
	mu     sync.Mutex
	people map[string]fakePerson
	down   bool
	calls  int
}

type fakePerson struct {
	password string
	person   auth.DirectoryPerson
}

func (d *fakeDirectory) Configured() bool { return true }

func (d *fakeDirectory) Authenticate(_ context.Context, login, password string) (*auth.DirectoryPerson, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if d.down {
		return nil, fault.Coded(fault.Unavailable, "directory_unavailable", "directory down")
	}
	// Directories compare names without regard to case.
	p, ok := d.people[strings.ToLower(login)]
	if !ok {
		return nil, auth.ErrDirectoryPersonGone
	}
	if p.password != password {
		return nil, fault.New(fault.Unauthenticated, "wrong password")
	}
	return &p.person, nil
}

func (d *fakeDirectory) set(down bool) {
	d.mu.Lock()
	d.down = down
	d.mu.Unlock()
}

func newDirectoryEnv(t *testing.T) (*env, *fakeDirectory) {
	dir := &fakeDirectory{people: map[string]fakePerson{
		"alice":             {"alice-pw", auth.DirectoryPerson{Login: "alice", DisplayName: "Alice", Teams: []string{"it"}}},
		"alice@example.org": {"alice-pw", auth.DirectoryPerson{Login: "alice", DisplayName: "Alice", Teams: []string{"it"}}},
	}}
	return newEnv(t, nil, func(c *auth.Config) { c.Directory = dir }), dir
}

func TestDirectoryLoginRules(t *testing.T) {
	ctx := context.Background()
	t.Run("a UPN-style name signs in as the directory's login", func(t *testing.T) {
		e, _ := newDirectoryEnv(t)
		s := e.login(t, "Alice@Example.org", "alice-pw")
		if s.User != "alice" {
			t.Errorf("session user %q, want alice", s.User)
		}
		u, err := e.svc.User(ctx, "alice")
		if err != nil || u.Source != auth.SourceDirectory || u.PasswordHash != "" || len(u.Teams) != 1 {
			t.Errorf("user %+v, %v", u, err)
		}
	})
	t.Run("sessions need no directory", func(t *testing.T) {
		e, dir := newDirectoryEnv(t)
		s := e.login(t, "alice", "alice-pw")
		dir.set(true)
		if _, err := e.svc.Authenticate(ctx, s.Token); err != nil {
			t.Errorf("session while the directory is down: %v", err)
		}
	})
	t.Run("a local password is checked locally", func(t *testing.T) {
		e, dir := newDirectoryEnv(t)
		e.createUser(t, auth.NewUser{Name: "root", Roles: []string{"admin"}, Password: "Sommerfest-2026"})
		dir.set(true)
		e.login(t, "root", "Sommerfest-2026")
		if dir.calls != 0 {
			t.Errorf("the directory was asked %d times for a local account", dir.calls)
		}
		if _, err := e.svc.Login(ctx, "root", "wrong", testClient); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("local administrator, wrong password, directory down: %v, want invalid credentials", err)
		}
	})
	t.Run("a directory that is down counts no failures", func(t *testing.T) {
		e, dir := newDirectoryEnv(t)
		dir.set(true)
		for range 30 {
			_, err := e.svc.Login(ctx, "alice", "alice-pw", testClient)
			if fault.KindOf(err) != fault.Unavailable {
				t.Fatalf("login while down: %v, want unavailable", err)
			}
		}
		dir.set(false)
		e.login(t, "alice", "alice-pw")
	})
	t.Run("wrong directory passwords are throttled", func(t *testing.T) {
		e, _ := newDirectoryEnv(t)
		var err error
		for range 30 {
			_, err = e.svc.Login(ctx, "alice", "guess", testClient)
		}
		if !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("30th wrong password: %v, want throttled", err)
		}
	})
	t.Run("taking a local account over ends its sessions", func(t *testing.T) {
		e, _ := newDirectoryEnv(t)
		e.createUser(t, auth.NewUser{Name: "alice", Password: "Sommerfest-2026"})
		local := e.login(t, "alice", "Sommerfest-2026")
		directory := e.login(t, "alice", "alice-pw")
		if _, err := e.svc.Authenticate(ctx, local.Token); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session of the local password after the take-over: %v, want unauthenticated", err)
		}
		if _, err := e.svc.Authenticate(ctx, directory.Token); err != nil {
			t.Errorf("session of the directory login: %v", err)
		}
		if _, err := e.svc.Login(ctx, "alice", "Sommerfest-2026", testClient); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("the local password after the take-over: %v, want invalid credentials", err)
		}
	})
	t.Run("every spelling of a name counts against one account", func(t *testing.T) {
		e, dir := newDirectoryEnv(t)
		dir.people["uid=alice,ou=people,dc=example,dc=org"] = dir.people["alice"]
		spellings := []string{"alice", "alice@example.org", "uid=alice,ou=people,dc=example,dc=org"}
		var err error
		for i := range 30 {
			// A new address each time: only the account's count can
			// throttle.
			_, err = e.svc.Login(ctx, spellings[i%3], "guess", fmt.Sprintf("198.51.100.%d", i+10))
		}
		if !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("30th wrong password over three spellings: %v, want throttled", err)
		}
	})
	t.Run("a person the directory lost is disabled", func(t *testing.T) {
		e, dir := newDirectoryEnv(t)
		e.login(t, "alice", "alice-pw")
		dir.mu.Lock()
		delete(dir.people, "alice")
		dir.mu.Unlock()
		if _, err := e.svc.Login(ctx, "alice", "alice-pw", testClient); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("login after leaving: %v", err)
		}
		if u, _ := e.svc.User(ctx, "alice"); u == nil || !u.Disabled {
			t.Errorf("alice %+v, want disabled", u)
		}
	})
}

// A local account its owner protected with two-factor sign-in is not
// taken over by whoever has the name in the directory: before, the
// directory's password alone signed in and took the account, and the
// second factor was never asked again. The local password and code still
// work.
func TestDirectoryLoginDoesNotTakeOverTwoFactorAccounts(t *testing.T) {
	t.Parallel()
	e, _ := newDirectoryEnv(t)
	e.createUser(t, auth.NewUser{Name: "alice", Password: "the old local one"})
	secret, _ := e.enrol(t, "alice")
	if _, err := e.svc.Login(t.Context(), "alice", "alice-pw", testClient); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("directory login onto a local account with two-factor sign-in: %v, want invalid credentials", err)
	}
	u, err := e.svc.User(t.Context(), "alice")
	if err != nil || u.Source == auth.SourceDirectory {
		t.Fatalf("the account after the refused login: %+v, %v", u, err)
	}
	_, err = e.svc.Login(t.Context(), "alice", "the old local one", testClient)
	var sf *auth.SecondFactorError
	if !errors.As(err, &sf) {
		t.Fatalf("local login: %v, want the code asked for", err)
	}
	e.clock.Advance(30 * time.Second)
	if s, err := e.svc.CompleteLogin(t.Context(), sf.Pending, code(t, secret, e.clock.Now()), testClient); err != nil || s.User != "alice" {
		t.Fatalf("the code completes the local login: %+v, %v", s, err)
	}
}
