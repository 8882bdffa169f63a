package auth_test

import (
	"log/slog"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
)

// BenchmarkAuthenticate measures a request's session check: two reads by
// _id (session and user), the catalog lookup, no write.
func BenchmarkAuthenticate(b *testing.B) {
	st := openStore(b)
	cat := compileCatalog(b, testCatalogYAML)
	svc, err := auth.New(auth.Config{Store: st, Password: fastParams, Logger: slog.New(slog.DiscardHandler),
		Catalog: func() *definition.Catalog { return cat }})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := svc.CreateUser(ctx, auth.NewUser{Name: "k.mueller", Teams: []string{"first-level"}, Password: "correct horse battery"}); err != nil {
		b.Fatal(err)
	}
	s, err := svc.Login(ctx, "k.mueller", "correct horse battery", testClient)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.Authenticate(ctx, s.Token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogin measures a password login with the default argon2id
// parameters, including the session insert.
func BenchmarkLogin(b *testing.B) {
	st := openStore(b)
	svc, err := auth.New(auth.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := svc.CreateUser(ctx, auth.NewUser{Name: "k.mueller", Password: "correct horse battery"}); err != nil {
		b.Fatal(err)
	}
	b.Run("success", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Login(ctx, "k.mueller", "correct horse battery", testClient); err != nil {
				b.Fatal(err)
			}
		}
	})
}
