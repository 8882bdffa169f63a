package notify

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"vorgang/core/auth"
)

// AuthDirectory finds addresses in core/auth's users.
type AuthDirectory struct {
	Auth *auth.Service
	// DB is the database holding the users collection; members of teams
	// and roles are found by a query on it (the collection is small).
	DB *mongo.Database
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
	field := map[string]string{"team": "teams", "role": "roles"}[kind]
	if field == "" {
		return nil, fmt.Errorf("notify: members of a %q", kind)
	}
	cur, err := d.DB.Collection(auth.UsersCollection).Find(ctx, bson.D{{Key: field, Value: id}})
	if err != nil {
		return nil, fmt.Errorf("notify: users with %s %s: %w", kind, id, err)
	}
	var users []auth.User
	if err := cur.All(ctx, &users); err != nil {
		return nil, fmt.Errorf("notify: users with %s %s: %w", kind, id, err)
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
