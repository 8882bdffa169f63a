package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"vorgang/core/fault"
)

// SourceSignOnPrefix and the provider id are the source of a user made by
// an OpenID provider's sign-on ("oidc:keycloak").
const SourceSignOnPrefix = "oidc:"

// CodeSignOnRefused is the code of a sign-on that was not accepted.
const CodeSignOnRefused = "sign_on_refused"

// SignOn signs staff in with OpenID Connect providers; core/app adapts
// core/identity to it. Its errors are of kind fault.Unauthenticated for an
// answer that does not check out, fault.Unavailable when the provider
// cannot be reached, fault.NotFound for an unknown provider.
type SignOn interface {
	// Start prepares a sign-on with the provider: the URL to send the
	// browser to and what the browser's return is checked against.
	Start(ctx context.Context, provider, redirectURL string) (string, *SignOnFlow, error)
	// Finish redeems the code of the browser's return and verifies the
	// ID token against flow; it returns the person and the raw ID token.
	Finish(ctx context.Context, flow *SignOnFlow, redirectURL, code string) (*DirectoryPerson, string, error)
	// EndSessionURL is where the browser ends the session at the
	// provider, or "" when the provider offers no such endpoint.
	EndSessionURL(ctx context.Context, provider, idToken, postLogout string) (string, error)
}

// SignOnFlow is one sign-on in progress: the provider, the state the
// browser brings back, the nonce the ID token must carry and the PKCE
// verifier. The caller keeps it where only the browser that started the
// sign-on can present it.
type SignOnFlow struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
}

// ErrNoSignOn reports a sign-on with a provider the definitions do not
// declare (or no sign-on configured at all).
var ErrNoSignOn = fault.New(fault.NotFound, "auth: no such identity provider")

// ErrSignOnRefused reports a sign-on that was not accepted; the cause is
// logged, the client learns no more.
var ErrSignOnRefused = fault.Coded(fault.Unauthenticated, CodeSignOnRefused, "auth: sign-on refused")

// StartSignOn begins a sign-on with provider, whose answer comes back to
// redirectURL: it returns the provider's URL to send the browser to and
// the flow to keep for FinishSignOn.
func (s *Service) StartSignOn(ctx context.Context, provider, redirectURL string) (string, *SignOnFlow, error) {
	if s.cfg.SignOn == nil {
		return "", nil, ErrNoSignOn
	}
	to, flow, err := s.cfg.SignOn.Start(ctx, provider, redirectURL)
	if err != nil {
		return "", nil, fmt.Errorf("auth: start sign-on with %s: %w", provider, err)
	}
	return to, flow, nil
}

// FinishSignOn completes the sign-on of flow with the code the browser
// brought back, creates or updates the user the ID token names (source
// "oidc:<provider>", profile, roles and teams from the token and the
// group mapping) and starts a session. It also returns the raw ID token,
// the hint for logging out at the provider.
//
// A user of another source (a local account, the directory's, another
// provider's) is not taken over: the provider vouches for a name, not for
// an account vorgang already gave to someone.
func (s *Service) FinishSignOn(ctx context.Context, flow *SignOnFlow, redirectURL, code string) (*Session, string, error) {
	if s.cfg.SignOn == nil {
		return nil, "", ErrNoSignOn
	}
	p, idToken, err := s.cfg.SignOn.Finish(ctx, flow, redirectURL, code)
	switch {
	case err == nil:
	case fault.KindOf(err) == fault.Unauthenticated:
		s.log.InfoContext(ctx, "sign-on refused", slog.String("provider", flow.Provider), slog.Any("error", err))
		return nil, "", ErrSignOnRefused
	default:
		s.log.WarnContext(ctx, "sign-on failed", slog.String("provider", flow.Provider), slog.Any("error", err))
		return nil, "", fmt.Errorf("auth: sign-on with %s: %w", flow.Provider, err)
	}
	name := NormalizeName(p.Login)
	if !ValidName(name) {
		s.log.WarnContext(ctx, "sign-on refused: the login claim is no valid user name", slog.String("provider", flow.Provider), slog.String("login", p.Login))
		return nil, "", ErrSignOnRefused
	}
	u, err := s.syncExternalUser(ctx, p, SourceSignOnPrefix+flow.Provider, false)
	if errors.Is(err, ErrLocalAccount) {
		s.log.WarnContext(ctx, "sign-on refused: a user of another source has the name", slog.String("provider", flow.Provider), slog.String("user", name))
		return nil, "", ErrSignOnRefused
	}
	if err != nil {
		return nil, "", fmt.Errorf("auth: sign-on of %s: %w", name, err)
	}
	if u.Disabled {
		return nil, "", fmt.Errorf("auth: sign-on of %s: %w", u.Name, ErrUserDisabled)
	}
	sess, err := s.startSession(ctx, u, s.now())
	if err != nil {
		return nil, "", err
	}
	s.log.InfoContext(ctx, "signed on", slog.String("provider", flow.Provider), slog.String("user", u.Name))
	return sess, idToken, nil
}

// SignOnLogoutURL returns where to send the browser after the local
// logout to end the session at provider too, or "" when the provider
// offers no end_session_endpoint. An unreachable provider gives "" as
// well: the vorgang session is over either way.
func (s *Service) SignOnLogoutURL(ctx context.Context, provider, idToken, postLogout string) string {
	if s.cfg.SignOn == nil || provider == "" {
		return ""
	}
	to, err := s.cfg.SignOn.EndSessionURL(ctx, provider, idToken, postLogout)
	if err != nil {
		s.log.WarnContext(ctx, "no logout at the identity provider", slog.String("provider", provider), slog.Any("error", err))
		return ""
	}
	return to
}
