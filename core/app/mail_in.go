package app

import (
	"context"
	"fmt"
	"strings"

	"vorgang/core/auth"
)

// mailSenders finds the user an incoming mail's sender is, for the
// engine's rule of who may answer a ticket by mail.
type mailSenders struct{ auth *auth.Service }

// PrincipalByEmail walks the users in pages: core/auth keeps no index by
// address, and mail arrives at the pace of people, not of requests.
func (s mailSenders) PrincipalByEmail(ctx context.Context, address string) (*auth.Principal, error) {
	address = strings.TrimSpace(address)
	if address == "" {
		return nil, nil
	}
	after := ""
	for {
		users, err := s.auth.ListUsers(ctx, after, 500)
		if err != nil {
			return nil, fmt.Errorf("users by address: %w", err)
		}
		for _, u := range users {
			if !u.Disabled && strings.EqualFold(strings.TrimSpace(u.Email), address) {
				return s.auth.Principal(ctx, u.Name)
			}
		}
		if len(users) < 500 {
			return nil, nil
		}
		after = users[len(users)-1].Name
	}
}

// mailIn reads the catalog's mailboxes until ctx ends.
func (a *App) mailIn(ctx context.Context) error {
	a.MailIn.Run(ctx)
	return nil
}
