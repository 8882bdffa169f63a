package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
)

func TestCollectionsGatherEveryPackage(t *testing.T) {
	var got []string
	for _, c := range app.Schema() {
		got = append(got, c.Name)
	}
	for _, want := range slices.Concat(auth.Schema(), engine.Schema(), asset.Schema()) {
		if !slices.Contains(got, want.Name) {
			t.Errorf("Schema() lacks %s", want.Name)
		}
	}
}

// Close must wait for every loop before the store closes: a loop still
// writing to a closed store loses its work.
func TestCloseWaitsForLoopsBeforeTheStoreCloses(t *testing.T) {
	t.Parallel()
	var storeOpenAtEnd atomic.Bool
	started := make(chan struct{})
	var a *app.App
	a = testkit.NewApp(t, app.Config{Loops: []app.Loop{{Name: "slow", Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		time.Sleep(100 * time.Millisecond) // work that finishes after the stop
		_, err := a.Store.Ticket(context.Background(), "IT-1")
		storeOpenAtEnd.Store(errors.Is(err, store.ErrNotFound))
		return nil
	}}}})
	ran := make(chan error, 1)
	go func() { ran <- a.Run(context.Background()) }()
	<-started
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run = %v after Close", err)
		}
	default:
		t.Fatal("Close returned before Run")
	}
	if !storeOpenAtEnd.Load() {
		t.Error("the loop found the store closed")
	}
	if err := a.Run(context.Background()); !errors.Is(err, app.ErrClosed) {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
}

func TestRunEndsWithTheContextAndStopsOnAFailingLoop(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	a := testkit.NewApp(t, app.Config{Loops: []app.Loop{{Name: "failing", Run: func(context.Context) error { return boom }}}})
	done := make(chan error, 1)
	go func() { done <- a.Run(t.Context()) }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Errorf("Run = %v, want the loop's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not end after a loop failed")
	}
}

// Expired sessions used to stay in the database until presented again:
// nothing ran auth's Sweep.
func TestRunSweepsExpiredSessions(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	a := testkit.NewApp(t, app.Config{Now: clock.Now, Password: auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32},
		SessionSweepEvery: 20 * time.Millisecond})
	const pw = "correct horse battery"
	if _, err := a.Auth.CreateUser(t.Context(), auth.NewUser{Name: "k.mueller", Password: pw}); err != nil {
		t.Fatal(err)
	}
	s, err := a.Auth.Login(t.Context(), "k.mueller", pw, "198.51.100.1")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(auth.DefaultSessionLifetime + time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	sum := sha256.Sum256([]byte(s.Token))
	id := hex.EncodeToString(sum[:])
	deadline := time.Now().Add(30 * time.Second)
	for {
		var doc struct{}
		err := a.Store.Get(t.Context(), auth.SessionsCollection, id, &doc)
		if errors.Is(err, store.ErrNotFound) {
			break // swept
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired session was not swept")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Uploads no ticket took used to stay in the database for good: nothing
// ran the engine's SweepUploads.
func TestRunSweepsAbandonedUploads(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	a := testkit.NewApp(t, app.Config{Now: clock.Now, UploadSweepEvery: 20 * time.Millisecond, UploadGrace: time.Hour})
	up, err := a.Engine.Upload(t.Context(), "portal:browser", "foto.png", "image/png", strings.NewReader("\x89PNG\r\n\x1a\n"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := a.Store.Attachment(t.Context(), up.ID)
		if errors.Is(err, store.ErrNotFound) {
			break // swept
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the abandoned upload was not swept")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
