package app

import (
	"context"

	"vorgang/core/auth"
	"vorgang/core/identity"
)

// authSignOn lets core/auth sign staff in with the OpenID providers of
// core/identity without either knowing the other.
type authSignOn struct {
	signOns *identity.SignOns
}

func (a authSignOn) Start(ctx context.Context, provider, redirectURL string) (string, *auth.SignOnFlow, error) {
	s, err := a.signOns.SignOn(provider)
	if err != nil {
		return "", nil, err
	}
	req := identity.NewSignOnRequest()
	to, err := s.AuthURL(ctx, redirectURL, req)
	if err != nil {
		return "", nil, err
	}
	return to, &auth.SignOnFlow{Provider: provider, State: req.State, Nonce: req.Nonce, Verifier: req.Verifier}, nil
}

func (a authSignOn) Finish(ctx context.Context, flow *auth.SignOnFlow, redirectURL, code string) (*auth.DirectoryPerson, string, error) {
	s, err := a.signOns.SignOn(flow.Provider)
	if err != nil {
		return nil, "", err
	}
	p, idToken, err := s.Exchange(ctx, redirectURL, code, identity.SignOnRequest{State: flow.State, Nonce: flow.Nonce, Verifier: flow.Verifier})
	if err != nil {
		return nil, "", err
	}
	return &auth.DirectoryPerson{Login: p.Login, DisplayName: p.DisplayName, Email: p.Email, Lang: p.Lang,
		Roles: p.Roles, Teams: p.Teams}, idToken, nil
}

func (a authSignOn) EndSessionURL(ctx context.Context, provider, idToken, postLogout string) (string, error) {
	s, err := a.signOns.SignOn(provider)
	if err != nil {
		return "", err
	}
	return s.EndSessionURL(ctx, idToken, postLogout)
}
