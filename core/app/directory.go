package app

import (
	"context"
	"errors"

	"vorgang/core/auth"
	"vorgang/core/identity"
)

// authDirectory lets core/auth check logins against core/identity without
// either knowing the other: the app translates the person and the
// "no such person" answer.
type authDirectory struct {
	provider *identity.Provider
}

func (d authDirectory) Configured() bool { return d.provider.Configured() }

func (d authDirectory) Authenticate(ctx context.Context, login, password string) (*auth.DirectoryPerson, error) {
	p, err := d.provider.Authenticate(ctx, login, password)
	if errors.Is(err, identity.ErrNotFound) {
		return nil, errors.Join(auth.ErrDirectoryPersonGone, err)
	}
	if err != nil {
		return nil, err
	}
	return &auth.DirectoryPerson{Login: p.Login, DisplayName: p.DisplayName, Email: p.Email, Lang: p.Lang,
		Manager: p.Manager, Roles: p.Roles, Teams: p.Teams}, nil
}
