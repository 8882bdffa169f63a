package notify

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/auth"
)

// AuthDirectory finds addresses in core/auth's users.
type AuthDirectory struct {
	Auth *auth.Service
	// Lang is every user's language until users have one. Default "de".
	Lang string
}

// User implements Directory.
func (d AuthDirectory) User(ctx context.Context, name string) (Person, bool, error) {
	u, err := d.Auth.User(ctx, name)
	if errors.Is(err, auth.ErrUserNotFound) {
		return Person{}, false, nil
	}
	if err != nil {
		return Person{}, false, err
	}
	if u.Disabled {
		return Person{}, false, nil
	}
	return d.person(u), true, nil
}

// Members implements Directory.
func (d AuthDirectory) Members(ctx context.Context, kind, id string) ([]Person, error) {
	users, err := d.Auth.Members(ctx, kind, id)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	var out []Person
	for i := range users {
		if !users[i].Disabled {
			out = append(out, d.person(&users[i]))
		}
	}
	return out, nil
}

func (d AuthDirectory) person(u *auth.User) Person {
	lang := u.Lang
	if lang == "" {
		lang = d.Lang
	}
	if lang == "" {
		lang = "de"
	}
	return Person{User: u.Name, Name: u.DisplayName, Email: u.Email, Lang: lang}
}
