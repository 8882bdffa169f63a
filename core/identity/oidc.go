package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"vorgang/core/definition"
	"vorgang/core/fault"
)

// CodeSignOnUnavailable is the code of a sign-on that could not reach the
// OpenID provider.
const CodeSignOnUnavailable = "identity_provider_unavailable"

// CodeSignOnRefused is the code of a sign-on whose answer vorgang does not
// accept: a state, nonce or token that does not check out, or a refusal
// of the provider.
const CodeSignOnRefused = "sign_on_refused"

// ErrSignOnUnavailable reports that the OpenID provider could not be
// reached (discovery, keys or token endpoint). It is of kind
// fault.Unavailable; local accounts still sign in.
var ErrSignOnUnavailable = fault.Coded(fault.Unavailable, CodeSignOnUnavailable, "identity: identity provider unavailable")

// ErrSignOnRefused reports a sign-on that is not accepted: the ID token's
// signature, issuer, audience, expiry or nonce do not check out, the
// provider refused the code, or the token names no valid login. It is of
// kind fault.Unauthenticated; the cause is for the log only.
var ErrSignOnRefused = fault.Coded(fault.Unauthenticated, CodeSignOnRefused, "identity: sign-on refused")

// The reasons of a refused sign-on, each wrapping ErrSignOnRefused: the
// log says which, the person is told no more than that it was refused.
var (
	ErrTokenExpired  = fmt.Errorf("%w: id token expired", ErrSignOnRefused)
	ErrWrongAudience = fmt.Errorf("%w: id token issued to another client", ErrSignOnRefused)
	ErrWrongNonce    = fmt.Errorf("%w: id token nonce does not match this sign-on", ErrSignOnRefused)
)

// ErrNoSuchSignOn reports a provider id the definitions do not declare as
// an oidc IdentityProvider.
var ErrNoSuchSignOn = fault.New(fault.NotFound, "identity: no such identity provider")

// SignOnRequest is what one sign-on must remember between sending the
// browser to the provider and its return: the state that comes back in the
// redirect, the nonce the ID token must carry and the PKCE verifier the
// code is redeemed with. Whoever keeps it must keep it from other
// browsers.
type SignOnRequest struct {
	State, Nonce, Verifier string
}

// NewSignOnRequest returns fresh random values for one sign-on.
func NewSignOnRequest() SignOnRequest {
	return SignOnRequest{State: randomValue(), Nonce: randomValue(), Verifier: oauth2.GenerateVerifier()}
}

func randomValue() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SignOn is one OpenID Connect provider vorgang is a client of. The
// discovery document is fetched at the first sign-on and kept; the keys
// are fetched (and refetched on an unknown key id) by go-oidc.
type SignOn struct {
	id      string
	def     *definition.OIDCProvider
	claims  definition.OIDCClaims
	secret  string
	scopes  []string
	timeout time.Duration
	client  *http.Client

	mu         sync.Mutex
	provider   *oidc.Provider
	endSession string
}

// NewSignOn prepares the client of an oidc IdentityProvider: it reads the
// client secret now, so a missing secret fails at start-up and not at the
// first sign-on. It does not contact the provider.
func NewSignOn(p *definition.IdentityProvider) (*SignOn, error) {
	if p == nil || p.OIDC == nil {
		return nil, errors.New("identity: no oidc settings")
	}
	o := p.OIDC
	s := &SignOn{id: p.ID.Value, def: o, claims: o.Claims.WithDefaults(), timeout: DefaultTimeout}
	secret, err := o.ClientSecret.Read()
	if err != nil {
		return nil, fmt.Errorf("identity: %s: client_secret: %w", s.id, err)
	}
	s.secret = secret
	if o.Timeout != "" {
		t, err := time.ParseDuration(o.Timeout)
		if err != nil {
			return nil, fmt.Errorf("identity: %s: timeout: %w", s.id, err)
		}
		s.timeout = t
	}
	s.scopes = []string{oidc.ScopeOpenID}
	scopes := o.Scopes
	if scopes == nil {
		scopes = []string{"profile", "email"}
	}
	for _, sc := range scopes {
		if !slices.Contains(s.scopes, sc) {
			s.scopes = append(s.scopes, sc)
		}
	}
	s.client = &http.Client{Timeout: s.timeout}
	return s, nil
}

// ID is the id of the IdentityProvider definition.
func (s *SignOn) ID() string { return s.id }

// discover returns the provider, fetching the discovery document if it
// was not yet: a provider that was down at start is found once it is up.
func (s *SignOn) discover(ctx context.Context) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, s.client), s.timeout)
	defer cancel()
	p, err := oidc.NewProvider(ctx, s.def.Issuer.Value)
	if err != nil {
		// Also an issuer that differs from the document's: nobody can
		// sign in with the provider until it or the definition changes.
		return nil, fmt.Errorf("%w: %s: discovery at %s: %v", ErrSignOnUnavailable, s.id, s.def.Issuer.Value, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("%w: %s: discovery document: %v", ErrSignOnUnavailable, s.id, err)
	}
	s.provider, s.endSession = p, meta.EndSession
	return p, nil
}

func (s *SignOn) config(p *oidc.Provider, redirectURL string) *oauth2.Config {
	return &oauth2.Config{ClientID: s.def.ClientID, ClientSecret: s.secret, Endpoint: p.Endpoint(),
		RedirectURL: redirectURL, Scopes: s.scopes}
}

// AuthURL returns where to send the browser: the provider's authorization
// endpoint with the client, redirectURL, the scopes, state, nonce and the
// PKCE challenge (S256) of req.
func (s *SignOn) AuthURL(ctx context.Context, redirectURL string, req SignOnRequest) (string, error) {
	p, err := s.discover(ctx)
	if err != nil {
		return "", err
	}
	return s.config(p, redirectURL).AuthCodeURL(req.State, oidc.Nonce(req.Nonce), oauth2.S256ChallengeOption(req.Verifier)), nil
}

// Exchange redeems the code the browser brought back for tokens, verifies
// the ID token — signature, issuer, audience (the client id), expiry and
// req's nonce — and returns the person it names with the roles and teams
// of their groups, and the raw ID token (the hint for logging out at the
// provider). The state must have been checked by the caller.
func (s *SignOn) Exchange(ctx context.Context, redirectURL, code string, req SignOnRequest) (*Person, string, error) {
	p, err := s.discover(ctx)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, s.client), s.timeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.client)
	tok, err := s.config(p, redirectURL).Exchange(ctx, code, oauth2.VerifierOption(req.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			// invalid_grant and friends: a used, expired or stolen code.
			return nil, "", fmt.Errorf("%w: %s: token endpoint: %v", ErrSignOnRefused, s.id, err)
		}
		return nil, "", fmt.Errorf("%w: %s: token endpoint: %v", ErrSignOnUnavailable, s.id, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, "", fmt.Errorf("%w: %s: the token response holds no id_token", ErrSignOnRefused, s.id)
	}
	// go-oidc checks signature, issuer and expiry; the audience is
	// checked below, the same way, so its refusal has a reason of its
	// own. The keys are fetched with the client given at discovery.
	idt, err := p.Verifier(&oidc.Config{ClientID: s.def.ClientID, SkipClientIDCheck: true}).Verify(ctx, raw)
	var expired *oidc.TokenExpiredError
	switch {
	case err == nil:
	case errors.As(err, &expired):
		return nil, "", fmt.Errorf("%w: %s: expired at %s", ErrTokenExpired, s.id, expired.Expiry.Format(time.RFC3339))
	case ctx.Err() != nil || isNetwork(err):
		return nil, "", fmt.Errorf("%w: %s: verify the id token: %v", ErrSignOnUnavailable, s.id, err)
	default:
		return nil, "", fmt.Errorf("%w: %s: id token: %v", ErrSignOnRefused, s.id, err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, "", fmt.Errorf("%w: %s: id token claims: %v", ErrSignOnRefused, s.id, err)
	}
	// The token must be meant for vorgang: its client id among the
	// audience, and, where there are several, named as the authorized
	// party when the token names one (OpenID Connect Core 3.1.3.7).
	azp, _ := claims["azp"].(string)
	if !slices.Contains(idt.Audience, s.def.ClientID) || (len(idt.Audience) > 1 && azp != "" && azp != s.def.ClientID) {
		return nil, "", fmt.Errorf("%w: %s: audience %v, authorized party %q, want %q", ErrWrongAudience, s.id, idt.Audience, azp, s.def.ClientID)
	}
	if idt.Nonce == "" || idt.Nonce != req.Nonce {
		// Without this check a token issued to another browser's
		// sign-on could be replayed here.
		return nil, "", fmt.Errorf("%w: %s", ErrWrongNonce, s.id)
	}
	person, err := s.person(claims)
	if err != nil {
		return nil, "", err
	}
	return person, raw, nil
}

// isNetwork tells a key set that could not be fetched from a token that
// does not verify.
func isNetwork(err error) bool {
	return strings.Contains(err.Error(), "fetching keys")
}

// person reads the profile and the groups from the ID token's claims.
func (s *SignOn) person(claims map[string]any) (*Person, error) {
	c := s.claims
	str := func(name string) string {
		v, _ := claims[name].(string)
		return strings.TrimSpace(v)
	}
	p := &Person{Login: str(c.Login), DisplayName: str(c.DisplayName), Email: str(c.Email), Lang: language(str(c.Lang))}
	if p.Login == "" {
		return nil, fmt.Errorf("%w: %s: the id token has no claim %s", ErrSignOnRefused, s.id, c.Login)
	}
	if sub, _ := claims["sub"].(string); sub != "" {
		p.DN = sub
	}
	if c.Groups != "" {
		switch g := claims[c.Groups].(type) {
		case []any:
			for _, v := range g {
				if s, ok := v.(string); ok {
					p.Groups = append(p.Groups, s)
				}
			}
		case string:
			p.Groups = []string{g}
		}
		slices.Sort(p.Groups)
	}
	rs, ts := map[string]bool{}, map[string]bool{}
	for _, m := range s.def.Groups.Map {
		if !slices.Contains(p.Groups, m.Group.Value) {
			continue
		}
		for _, r := range m.Roles {
			rs[r.Value] = true
		}
		for _, t := range m.Teams {
			ts[t.Value] = true
		}
	}
	p.Roles, p.Teams = keys(rs), keys(ts)
	return p, nil
}

// EndSessionURL returns where to send the browser to end the session at
// the provider as well (RP-initiated logout), or "" when the provider's
// discovery names no end_session_endpoint. idToken (the hint) and
// postLogout may be empty.
func (s *SignOn) EndSessionURL(ctx context.Context, idToken, postLogout string) (string, error) {
	if _, err := s.discover(ctx); err != nil {
		return "", err
	}
	s.mu.Lock()
	end := s.endSession
	s.mu.Unlock()
	if end == "" {
		return "", nil
	}
	u, err := url.Parse(end)
	if err != nil {
		return "", fmt.Errorf("identity: %s: end_session_endpoint %q: %w", s.id, end, err)
	}
	q := u.Query()
	q.Set("client_id", s.def.ClientID)
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	if postLogout != "" {
		q.Set("post_logout_redirect_uri", postLogout)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
