// Package oidctest runs a real OpenID Connect provider for tests, in
// process on a loopback port: discovery, authorization endpoint with a
// small login form, token endpoint with PKCE, signed ID tokens (RS256),
// keys and end_session — zitadel's op package over an in-memory storage.
// Knobs make it misbehave the way a broken or hostile provider would (a
// wrong nonce, audience or expiry in the ID token), and Stop makes it
// unreachable.
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is a person the provider knows.
type User struct {
	Subject  string
	Username string
	Password string
	Name     string
	Email    string
	Locale   string
	Groups   []string
}

// Options configure Start.
type Options struct {
	// ClientID and ClientSecret of the one confidential client; default
	// "vorgang" and "client-secret".
	ClientID, ClientSecret string
	// RedirectGlobs are the redirect URIs the client may use, as
	// path.Match patterns; default: any loopback port's
	// /app/oidc/*/callback.
	RedirectGlobs []string
	// PostLogoutGlobs are where end_session may send the browser back to;
	// default: any loopback port's /app/login.
	PostLogoutGlobs []string
	Users           []User
}

// Tamper makes the ID tokens the provider issues from now on wrong in one
// way each; the zero value issues correct tokens.
type Tamper struct {
	// Nonce, when set, replaces the nonce of the authorization request.
	Nonce string
	// IssuedTo, when set, is the client the provider takes the client of
	// every request for: its tokens name it as their audience, as a
	// provider would for a token issued to another client.
	IssuedTo string
	// Lifetime, when set, is the ID token's lifetime; negative issues
	// tokens that expired already.
	Lifetime time.Duration
}

// Server is a running provider.
type Server struct {
	// Issuer is http://127.0.0.1:PORT.
	Issuer       string
	ClientID     string
	ClientSecret string

	srv *http.Server
	st  *storage
}

// Start runs a provider until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if o.ClientID == "" {
		o.ClientID = "vorgang"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "client-secret"
	}
	if o.RedirectGlobs == nil {
		o.RedirectGlobs = []string{"http://127.0.0.1:*/app/oidc/*/callback"}
	}
	if o.PostLogoutGlobs == nil {
		o.PostLogoutGlobs = []string{"http://127.0.0.1:*/app/login"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("oidctest: listen: %v", err)
	}
	issuer := "http://" + ln.Addr().String()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oidctest: key: %v", err)
	}
	st := &storage{
		issuer:   issuer,
		key:      key,
		keyID:    "oidctest-1",
		client:   &client{id: o.ClientID, secret: o.ClientSecret, issuer: issuer, redirects: o.RedirectGlobs, postLogout: o.PostLogoutGlobs},
		users:    map[string]User{},
		requests: map[string]*authRequest{},
		codes:    map[string]string{},
	}
	st.client.st = st
	for _, u := range o.Users {
		st.users[u.Subject] = u
	}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:                sha256.Sum256([]byte(issuer)),
		DefaultLogoutRedirectURI: "/logged-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
	}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("oidctest: provider: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/login", st.login)
	mux.HandleFunc("/logged-out", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("signed out")) })
	mux.Handle("/", provider)
	s := &Server{Issuer: issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret, st: st,
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(s.Stop)
	return s
}

// Stop closes the provider: from now on it cannot be reached.
func (s *Server) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// SetTamper changes the ID tokens issued from now on.
func (s *Server) SetTamper(t Tamper) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.tamper = t
}

// SetUser adds a user or replaces the one with the same subject.
func (s *Server) SetUser(u User) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.users[u.Subject] = u
}

// EndedSessions are the subjects whose session was ended through the
// end_session endpoint with a valid id_token_hint, in order.
func (s *Server) EndedSessions() []string {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return append([]string(nil), s.st.ended...)
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head><body>
<h1>Test provider</h1>
{{if .Error}}<p id="error">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.ID}}">
<label for="username">User</label> <input id="username" name="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button id="submit" type="submit">Sign in</button>
</form></body></html>`))

// login is the provider's own sign-in form: the authorization endpoint
// sends the browser here with the request id, a right password completes
// the request and sends the browser on to the callback, which redirects
// to the client with the code.
func (st *storage) login(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("id")
	show := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = loginPage.Execute(w, map[string]string{"ID": id, "Error": msg})
	}
	st.mu.Lock()
	req, ok := st.requests[id]
	st.mu.Unlock()
	if !ok {
		show(http.StatusBadRequest, "unknown request")
		return
	}
	if r.Method != http.MethodPost {
		show(http.StatusOK, "")
		return
	}
	st.mu.Lock()
	var user *User
	for _, u := range st.users {
		if u.Username == r.FormValue("username") && u.Password == r.FormValue("password") {
			user = &u
		}
	}
	if user != nil {
		req.subject, req.done, req.authTime = user.Subject, true, time.Now()
	}
	st.mu.Unlock()
	if user == nil {
		show(http.StatusUnauthorized, "wrong user name or password")
		return
	}
	http.Redirect(w, r, st.issuer+"/authorize/callback?id="+id, http.StatusFound)
}

// storage is the provider's in-memory state: one client, the users, the
// authorization requests and their codes.
type storage struct {
	issuer string
	key    *rsa.PrivateKey
	keyID  string
	client *client

	mu       sync.Mutex
	users    map[string]User
	requests map[string]*authRequest
	codes    map[string]string // code → request id
	tamper   Tamper
	ended    []string
	seq      int
}

var errNotFound = errors.New("oidctest: not found")

func (st *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	req := &authRequest{st: st, id: fmt.Sprintf("req-%d", st.seq), clientID: r.ClientID, redirect: r.RedirectURI,
		state: r.State, nonce: r.Nonce, scopes: r.Scopes, responseType: r.ResponseType, responseMode: r.ResponseMode}
	if r.CodeChallenge != "" {
		req.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	st.requests[req.id] = req
	return req, nil
}

func (st *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if r, ok := st.requests[id]; ok {
		return r, nil
	}
	return nil, errNotFound
}

func (st *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	st.mu.Lock()
	id, ok := st.codes[code]
	st.mu.Unlock()
	if !ok {
		return nil, errNotFound
	}
	return st.AuthRequestByID(ctx, id)
}

func (st *storage) SaveAuthCode(_ context.Context, id, code string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.codes[code] = id
	return nil
}

func (st *storage) DeleteAuthRequest(_ context.Context, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.requests, id)
	for code, rid := range st.codes {
		if rid == id {
			delete(st.codes, code)
		}
	}
	return nil
}

func (st *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	return fmt.Sprintf("at-%d", st.seq), time.Now().Add(5 * time.Minute), nil
}

func (st *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("oidctest: no refresh tokens")
}

func (st *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errors.New("oidctest: no refresh tokens")
}

func (st *storage) TerminateSession(_ context.Context, userID, _ string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ended = append(st.ended, userID)
	return nil
}

func (st *storage) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (st *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (st *storage) SigningKey(context.Context) (op.SigningKey, error) { return signingKey{st}, nil }

func (st *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (st *storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{st}}, nil }

func (st *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if id != st.client.id && (st.tamper.IssuedTo == "" || id != st.tamper.IssuedTo) {
		return nil, errNotFound
	}
	return st.client, nil
}

func (st *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != st.client.id || secret != st.client.secret {
		return errors.New("oidctest: wrong client credentials")
	}
	return nil
}

func (st *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims by the scopes asked
// for; "groups" adds the groups claim.
func (st *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return st.userinfo(info, req.GetSubject(), scopes)
}

func (st *storage) userinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, ok := st.users[subject]
	if !ok {
		return errNotFound
	}
	for _, s := range scopes {
		switch s {
		case oidc.ScopeOpenID:
			info.Subject = u.Subject
		case oidc.ScopeProfile:
			info.PreferredUsername, info.Name = u.Username, u.Name
			if u.Locale != "" {
				info.Locale = oidc.NewLocale(language.Make(u.Locale))
			}
		case oidc.ScopeEmail:
			info.Email, info.EmailVerified = u.Email, true
		case "groups":
			info.AppendClaims("groups", u.Groups)
		}
	}
	return nil
}

func (st *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, _, subject, _ string) error {
	return st.userinfo(info, subject, []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, "groups"})
}

func (st *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("oidctest: no introspection")
}

func (st *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (st *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (st *storage) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (st *storage) Health(context.Context) error { return nil }

// authRequest is one authorization request; the getters the token
// endpoint reads for the ID token apply the tamper settings.
type authRequest struct {
	st                     *storage
	id, clientID, redirect string
	state, nonce           string
	scopes                 []string
	responseType           oidc.ResponseType
	responseMode           oidc.ResponseMode
	challenge              *oidc.CodeChallenge
	subject                string
	done                   bool
	authTime               time.Time
}

func (r *authRequest) GetID() string    { return r.id }
func (r *authRequest) GetACR() string   { return "" }
func (r *authRequest) GetAMR() []string { return []string{"pwd"} }
func (r *authRequest) GetClientID() string {
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	if r.st.tamper.IssuedTo != "" {
		return r.st.tamper.IssuedTo
	}
	return r.clientID
}
func (r *authRequest) GetAuthTime() time.Time {
	return r.authTime
}
func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return r.challenge }
func (r *authRequest) GetRedirectURI() string                { return r.redirect }
func (r *authRequest) GetResponseType() oidc.ResponseType    { return r.responseType }
func (r *authRequest) GetResponseMode() oidc.ResponseMode    { return r.responseMode }
func (r *authRequest) GetScopes() []string                   { return r.scopes }
func (r *authRequest) GetState() string                      { return r.state }
func (r *authRequest) GetSubject() string                    { return r.subject }
func (r *authRequest) Done() bool                            { return r.done }

func (r *authRequest) GetAudience() []string { return []string{r.GetClientID()} }

func (r *authRequest) GetNonce() string {
	r.st.mu.Lock()
	defer r.st.mu.Unlock()
	if r.st.tamper.Nonce != "" {
		return r.st.tamper.Nonce
	}
	return r.nonce
}

// client is the one confidential web client.
type client struct {
	st                    *storage
	id, secret, issuer    string
	redirects, postLogout []string
}

func (c *client) GetID() string {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if c.st.tamper.IssuedTo != "" {
		return c.st.tamper.IssuedTo
	}
	return c.id
}
func (c *client) RedirectURIs() []string               { return nil }
func (c *client) PostLogoutRedirectURIs() []string     { return nil }
func (c *client) RedirectURIGlobs() []string           { return c.redirects }
func (c *client) PostLogoutRedirectURIGlobs() []string { return c.postLogout }
func (c *client) ApplicationType() op.ApplicationType  { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod          { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *client) LoginURL(id string) string            { return c.issuer + "/login?id=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) DevMode() bool                        { return true } // http on loopback
func (c *client) IsScopeAllowed(scope string) bool     { return scope == "groups" }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *client) IDTokenLifetime() time.Duration {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if c.st.tamper.Lifetime != 0 {
		return c.st.tamper.Lifetime
	}
	return 5 * time.Minute
}

type signingKey struct{ st *storage }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.st.key }
func (k signingKey) ID() string                                  { return k.st.keyID }

type publicKey struct{ st *storage }

func (k publicKey) ID() string                         { return k.st.keyID }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.st.key.PublicKey }

var _ op.HasRedirectGlobs = (*client)(nil)
