package auth_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"vorgang/core/auth"
)

// TestAuditLogConcurrentWriters: administrators working at the same moment
// on two services over one store each get their change recorded under a
// number of its own; none is lost or overwritten.
func TestAuditLogConcurrentWriters(t *testing.T) {
	e := newEnv(t, nil, nil)
	other := e.service(t, nil, nil)
	by := auth.CommandLine()
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		svc := e.svc
		if i%2 == 1 {
			svc = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.AdminCreateUser(t.Context(), by, auth.NewUser{Name: fmt.Sprintf("u%02d", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, next, err := e.svc.AuditLog(t.Context(), by, 0, 100)
	if err != nil || next != 0 {
		t.Fatalf("AuditLog: next %d, %v", next, err)
	}
	var users []string
	for i, entry := range entries {
		if entry.Seq != int64(n-i) || entry.Action != auth.AuditUserCreated || entry.Actor != auth.ActorCommandLine {
			t.Errorf("entry %d: %+v", i, entry)
		}
		users = append(users, entry.User)
	}
	slices.Sort(users)
	if len(slices.Compact(users)) != n {
		t.Errorf("recorded users: %v", users)
	}
}

// TestResetLinkExpires: a link works until ResetLinkTTL has passed, not
// after.
func TestResetLinkExpires(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.createUser(t, auth.NewUser{Name: "vera"})
	link, err := e.svc.AdminResetLink(t.Context(), auth.CommandLine(), "vera")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(auth.ResetLinkTTL - time.Second)
	if user, err := e.svc.CheckResetLink(t.Context(), link.Token); err != nil || user != "vera" {
		t.Fatalf("before expiry: %q %v", user, err)
	}
	e.clock.Advance(time.Second)
	if _, err := e.svc.SetPasswordByLink(t.Context(), link.Token, "Ein-langer-Satz-2027"); !errors.Is(err, auth.ErrResetLinkInvalid) {
		t.Fatalf("after expiry: %v", err)
	}
}
