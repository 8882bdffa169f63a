package knowledge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// Codes of the field errors of an article.
const (
	CodeRequired      = "required"
	CodeTooLong       = "too_long"
	CodeNoTitle       = "no_title"
	CodeBadVisibility = "invalid_visibility"
	CodeNotYourTeam   = "not_your_team"
	CodeUnknownUser   = "unknown_user"
)

// Limits of an article.
const (
	MaxTitle    = 200
	MaxBody     = 100_000
	MaxCategory = 80
	MaxTags     = 20
	MaxTag      = 40
)

var messages = map[string][2]string{
	CodeRequired:      {"Bitte ausfüllen.", "Please fill in."},
	CodeTooLong:       {"Der Text ist zu lang.", "The text is too long."},
	CodeNoTitle:       {"Ein Artikel braucht einen Titel auf Deutsch oder Englisch; ein Text braucht seinen Titel.", "An article needs a title in German or English; a text needs its title."},
	CodeBadVisibility: {"Sichtbarkeit ist öffentlich, intern oder Team.", "Visibility is public, internal or team."},
	CodeNotYourTeam:   {"Sie können nur für eines Ihrer Teams schreiben.", "You can only write for one of your teams."},
	CodeUnknownUser:   {"Diesen Benutzernamen gibt es nicht.", "There is no user with this name."},
	// The files of an article (files.go).
	CodeFileName: {"Der Dateiname darf nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich enthalten (höchstens 100 Zeichen).",
		"A file name may hold only letters, digits, dot, hyphen and underscore (at most 100 characters)."},
	CodeFileType:  {"Erlaubt sind Bilder (PNG, JPEG, GIF, WebP) und PDF.", "Images (PNG, JPEG, GIF, WebP) and PDF are allowed."},
	CodeFileCount: {"Ein Artikel hat höchstens 50 Dateien.", "An article has at most 50 files."},
	CodeFileSize:  {"Die Datei ist zu groß.", "The file is too large."},
	CodeFileInUse: {"Eine Fassung des Artikels zeigt oder verlinkt diese Datei; sie bleibt, damit jede Fassung vollständig bleibt.",
		"A version of the article shows or links this file; it stays, so every version stays complete."},
}

func fieldError(field, code, lang string) fault.FieldError {
	m := messages[code]
	msg := m[0]
	if lang == "en" {
		msg = m[1]
	}
	return fault.FieldError{Field: field, Code: code, Message: msg}
}

// clean trims the content and checks it; lang is the language of the
// messages. The field names are those of the edit form and the API:
// title_de, body_de, title_en, body_en, category, tags, visibility, team.
func clean(c *Content, actor *auth.Principal, lang string) error {
	var errs []fault.FieldError
	texts := map[string]Text{}
	for _, l := range Languages {
		t := c.Texts[l]
		t.Title = strings.TrimSpace(t.Title)
		t.Body = strings.TrimSpace(strings.ReplaceAll(t.Body, "\r\n", "\n"))
		switch {
		case utf8.RuneCountInString(t.Title) > MaxTitle:
			errs = append(errs, fieldError("title_"+l, CodeTooLong, lang))
		case len(t.Body) > MaxBody:
			errs = append(errs, fieldError("body_"+l, CodeTooLong, lang))
		case t.Title == "" && t.Body != "":
			errs = append(errs, fieldError("title_"+l, CodeNoTitle, lang))
		}
		if t.Title != "" {
			texts[l] = t
		}
	}
	if len(texts) == 0 && len(errs) == 0 {
		errs = append(errs, fieldError("title_"+Languages[0], CodeNoTitle, lang))
	}
	c.Texts = texts
	c.Category = strings.TrimSpace(c.Category)
	switch {
	case c.Category == "":
		errs = append(errs, fieldError("category", CodeRequired, lang))
	case utf8.RuneCountInString(c.Category) > MaxCategory:
		errs = append(errs, fieldError("category", CodeTooLong, lang))
	}
	var tags []string
	for _, t := range c.Tags {
		for _, part := range strings.Split(t, ",") {
			part = strings.ToLower(strings.TrimSpace(part))
			if part != "" && !slices.Contains(tags, part) {
				tags = append(tags, part)
			}
		}
	}
	if len(tags) > MaxTags || slices.ContainsFunc(tags, func(t string) bool { return utf8.RuneCountInString(t) > MaxTag }) {
		errs = append(errs, fieldError("tags", CodeTooLong, lang))
	}
	c.Tags = tags
	c.Team = strings.TrimSpace(c.Team)
	switch c.Visibility {
	case Public, Internal:
		c.Team = ""
	case TeamOnly:
		switch {
		case c.Team == "":
			errs = append(errs, fieldError("team", CodeRequired, lang))
		case !actor.Admin && !actor.InTeam(c.Team):
			// A writer outside the team would lose sight of the article.
			errs = append(errs, fieldError("team", CodeNotYourTeam, lang))
		}
	default:
		errs = append(errs, fieldError("visibility", CodeBadVisibility, lang))
	}
	c.Owner = strings.TrimSpace(c.Owner)
	if c.Owner == "" {
		c.Owner = actor.User
	}
	if !c.ReviewAt.IsZero() {
		c.ReviewAt = c.ReviewAt.UTC().Truncate(time.Millisecond)
	}
	if len(errs) > 0 {
		return fault.Fields(errs...)
	}
	return nil
}

// checkOwner refuses an owner who is not a user: nobody would be told
// the article is due for review.
func (s *Service) checkOwner(ctx context.Context, c *Content, actor *auth.Principal, lang string) error {
	if s.users == nil || c.Owner == actor.User {
		return nil
	}
	_, err := s.users.User(ctx, c.Owner)
	if errors.Is(err, auth.ErrUserNotFound) {
		return fault.Fields(fieldError("owner", CodeUnknownUser, lang))
	}
	if err != nil {
		return fmt.Errorf("look up owner %s: %w", c.Owner, err)
	}
	return nil
}
