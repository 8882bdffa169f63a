package identity_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/identity"
	"vorgang/core/internal/oidctest"
)

// redirect is where the test provider sends the browser back to; nothing
// listens there, the test reads the code off the redirect.
const redirect = "http://127.0.0.1:1/app/oidc/sso/callback"

var people = []oidctest.User{
	{Subject: "sub-1", Username: "K.Mueller", Password: "pw", Name: "Karla Müller", Email: "k.mueller@example.org", Locale: "de-DE",
		Groups: []string{"/it/helpdesk", "/staff", "/unmapped"}},
}

func signOnDef(t *testing.T, op *oidctest.Server, mod func(*definition.OIDCProvider)) *definition.IdentityProvider {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte(op.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := &definition.OIDCProvider{
		Issuer:       definition.Ref{Value: op.Issuer},
		ClientID:     op.ClientID,
		ClientSecret: &definition.Secret{File: definition.Ref{Value: secret}},
		Scopes:       []string{"openid", "profile", "email", "groups"},
		Timeout:      "5s",
		Claims:       definition.OIDCClaims{Groups: "groups"},
		Groups: definition.OIDCGroups{Map: []definition.LDAPGroupMap{
			{Group: definition.Ref{Value: "/it/helpdesk"}, Teams: []definition.Ref{{Value: "it-support"}}},
			{Group: definition.Ref{Value: "/staff"}, Roles: []definition.Ref{{Value: "staff"}}, Teams: []definition.Ref{{Value: "it-support"}}},
			{Group: definition.Ref{Value: "/it/leads"}, Roles: []definition.Ref{{Value: "it-lead"}}},
		}},
	}
	if mod != nil {
		mod(o)
	}
	return &definition.IdentityProvider{Meta: definition.Meta{ID: definition.Ref{Value: "sso"}}, Type: "oidc", OIDC: o}
}

func signOn(t *testing.T, def *definition.IdentityProvider) *identity.SignOn {
	t.Helper()
	s, err := identity.NewSignOn(def)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// authorize takes a browser's way through the provider for req and
// returns the code of the redirect back, after checking its state.
func authorize(t *testing.T, s *identity.SignOn, op *oidctest.Server, req identity.SignOnRequest, user, password string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	step := func(method, target string, form url.Values) string {
		t.Helper()
		var resp *http.Response
		var err error
		if form != nil {
			resp, err = client.PostForm(target, form)
		} else {
			resp, err = client.Get(target)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("%s %s: %d", method, target, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	to, err := s.AuthURL(context.Background(), redirect, req)
	if err != nil {
		t.Fatal(err)
	}
	login := step("GET", to, nil)
	id := strings.TrimPrefix(login, op.Issuer+"/login?id=")
	back, err := url.Parse(step("GET", step("POST", op.Issuer+"/login", url.Values{"id": {id}, "username": {user}, "password": {password}}), nil))
	if err != nil || !strings.HasPrefix(back.String(), redirect+"?") {
		t.Fatalf("redirect back %v (%v)", back, err)
	}
	if back.Query().Get("state") != req.State {
		t.Fatalf("state %q came back, want %q", back.Query().Get("state"), req.State)
	}
	return back.Query().Get("code")
}

func TestSignOnExchange(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{Users: people})
	s := signOn(t, signOnDef(t, op, nil))
	ctx := context.Background()

	t.Run("person from the id token", func(t *testing.T) {
		req := identity.NewSignOnRequest()
		p, idToken, err := s.Exchange(ctx, redirect, authorize(t, s, op, req, "K.Mueller", "pw"), req)
		if err != nil {
			t.Fatal(err)
		}
		want := &identity.Person{DN: "sub-1", Login: "K.Mueller", DisplayName: "Karla Müller", Email: "k.mueller@example.org", Lang: "de",
			Groups: []string{"/it/helpdesk", "/staff", "/unmapped"}, Roles: []string{"staff"}, Teams: []string{"it-support"}}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("person\n got %+v\nwant %+v", p, want)
		}
		if strings.Count(idToken, ".") != 2 {
			t.Errorf("id token %q is no JWT", idToken)
		}
		end, err := s.EndSessionURL(ctx, idToken, "http://127.0.0.1:1/app/login")
		if err != nil || !strings.HasPrefix(end, op.Issuer+"/end_session?") || !strings.Contains(end, "id_token_hint=") {
			t.Errorf("end session URL %q (%v)", end, err)
		}
	})

	for _, tt := range []struct {
		name   string
		tamper oidctest.Tamper
		change func(*identity.SignOnRequest)
		want   error
	}{
		{name: "wrong nonce", tamper: oidctest.Tamper{Nonce: "not-this-sign-ons"}, want: identity.ErrWrongNonce},
		{name: "expired", tamper: oidctest.Tamper{Lifetime: -time.Minute}, want: identity.ErrTokenExpired},
		{name: "issued to another client", tamper: oidctest.Tamper{IssuedTo: "another-client"}, want: identity.ErrWrongAudience},
		{name: "nonce of another sign-on", change: func(r *identity.SignOnRequest) { r.Nonce = identity.NewSignOnRequest().Nonce }, want: identity.ErrWrongNonce},
		{name: "wrong PKCE verifier", change: func(r *identity.SignOnRequest) { r.Verifier = identity.NewSignOnRequest().Verifier }, want: identity.ErrSignOnRefused},
	} {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			op.SetTamper(tt.tamper)
			defer op.SetTamper(oidctest.Tamper{})
			req := identity.NewSignOnRequest()
			code := authorize(t, s, op, req, "K.Mueller", "pw")
			if tt.change != nil {
				tt.change(&req)
			}
			_, _, err := s.Exchange(ctx, redirect, code, req)
			if !errors.Is(err, tt.want) || !errors.Is(err, identity.ErrSignOnRefused) || fault.KindOf(err) != fault.Unauthenticated {
				t.Fatalf("err %v, want %v (unauthenticated)", err, tt.want)
			}
		})
	}

	t.Run("refused: wrong client secret", func(t *testing.T) {
		t.Setenv("VORGANG_TEST_OIDC_WRONG_SECRET", "not-the-secret")
		bad := signOn(t, signOnDef(t, op, func(o *definition.OIDCProvider) {
			o.ClientSecret = &definition.Secret{Env: definition.Ref{Value: "VORGANG_TEST_OIDC_WRONG_SECRET"}}
		}))
		req := identity.NewSignOnRequest()
		_, _, err := bad.Exchange(ctx, redirect, authorize(t, bad, op, req, "K.Mueller", "pw"), req)
		if !errors.Is(err, identity.ErrSignOnRefused) {
			t.Fatalf("err %v, want refused", err)
		}
	})
}

// TestSignOnUnavailable: a provider that cannot be reached, or whose
// discovery document names another issuer, is unavailable; the same
// client finds it once it is up.
func TestSignOnUnavailable(t *testing.T) {
	t.Run("down", func(t *testing.T) {
		op := oidctest.Start(t, oidctest.Options{Users: people})
		s := signOn(t, signOnDef(t, op, nil))
		op.Stop()
		_, err := s.AuthURL(context.Background(), redirect, identity.NewSignOnRequest())
		if !errors.Is(err, identity.ErrSignOnUnavailable) || fault.KindOf(err) != fault.Unavailable {
			t.Fatalf("err %v, want unavailable", err)
		}
	})
	t.Run("another issuer", func(t *testing.T) {
		op := oidctest.Start(t, oidctest.Options{Users: people})
		s := signOn(t, signOnDef(t, op, func(o *definition.OIDCProvider) { o.Issuer.Value += "/" }))
		_, err := s.AuthURL(context.Background(), redirect, identity.NewSignOnRequest())
		if !errors.Is(err, identity.ErrSignOnUnavailable) {
			t.Fatalf("err %v, want unavailable", err)
		}
	})
}

func TestNewSignOnMissingSecret(t *testing.T) {
	op := oidctest.Start(t, oidctest.Options{})
	_, err := identity.NewSignOn(signOnDef(t, op, func(o *definition.OIDCProvider) {
		o.ClientSecret = &definition.Secret{Env: definition.Ref{Value: "VORGANG_TEST_UNSET_OIDC_SECRET"}}
	}))
	if err == nil || !strings.Contains(err.Error(), "client_secret") {
		t.Fatalf("err %v, want the missing client_secret named", err)
	}
}
