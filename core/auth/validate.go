package auth

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"vorgang/core/definition"
)

// User names are lower-case ASCII logins such as "k.mueller" or "it-admin":
// letters, digits, '.', '_' and '-', starting with a letter or digit, at most
// 64 characters. No umlauts (they are transliterated in logins anyway) and
// no look-alike Unicode letters.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// idPattern is the definition id syntax (schemas/common.schema.json).
var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

const (
	maxDisplayName   = 200
	maxEmail         = 254 // RFC 5321 path limit
	maxTokenName     = 100
	maxPasswordBytes = 1024
)

// NormalizeName returns name as stored: trimmed and lower-cased. Login and
// every method that takes a user name apply it, so "K.Mueller " and
// "k.mueller" are one user.
func NormalizeName(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// ValidName reports whether name (already normalized) is a valid user name.
func ValidName(name string) bool { return namePattern.MatchString(name) }

func checkName(fe *fieldErrors, field, name string) {
	switch {
	case name == "":
		fe.add(field, CodeRequired, "is required")
	case len(name) > 64:
		fe.add(field, CodeTooLong, "is longer than 64 characters")
	case !ValidName(name):
		fe.add(field, CodeInvalidFormat, "%q is not a valid user name (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)", name)
	}
}

func checkEmail(fe *fieldErrors, email string) {
	if email == "" {
		return
	}
	if len(email) > maxEmail {
		fe.add("email", CodeTooLong, "is longer than %d characters", maxEmail)
		return
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		fe.add("email", CodeInvalidFormat, "%q is not an e-mail address like name@example.org", email)
	}
}

// checkText checks a one-line human-readable text.
func checkText(fe *fieldErrors, field, s string, max int, required bool) {
	switch {
	case s == "" && required:
		fe.add(field, CodeRequired, "is required")
	case !utf8.ValidString(s):
		fe.add(field, CodeInvalidFormat, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		fe.add(field, CodeTooLong, "is longer than %d characters", max)
	case strings.ContainsFunc(s, unicode.IsControl):
		fe.add(field, CodeInvalidFormat, "contains control characters")
	}
}

// normalizeRefs trims, sorts and de-duplicates role or team ids.
func normalizeRefs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, strings.TrimSpace(id))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkRoles checks role ids; with a catalog, each must be defined there or
// be the built-in admin role.
func checkRoles(fe *fieldErrors, roles []string, cat *definition.Catalog) {
	for _, r := range roles {
		switch {
		case !idPattern.MatchString(r):
			fe.add("roles", CodeInvalidFormat, "%q is not a role id", r)
		case r == RoleAdmin:
		case cat != nil && cat.Role(r) == nil:
			fe.add("roles", CodeUnknownRole, "role %q is not defined", r)
		}
	}
}

// checkTeams checks team ids; with a catalog, each must be defined there.
func checkTeams(fe *fieldErrors, teams []string, cat *definition.Catalog) {
	for _, t := range teams {
		switch {
		case !idPattern.MatchString(t):
			fe.add("teams", CodeInvalidFormat, "%q is not a team id", t)
		case cat != nil && cat.Team(t) == nil:
			fe.add("teams", CodeUnknownTeam, "team %q is not defined", t)
		}
	}
}

// checkPassword applies the password policy: a minimum length in
// characters, a maximum length in bytes (hashing cost), not the user name.
func (s *Service) checkPassword(fe *fieldErrors, name, password string) {
	switch {
	case utf8.RuneCountInString(password) < s.cfg.MinPasswordLength:
		fe.add("password", CodeTooShort, "must be at least %d characters", s.cfg.MinPasswordLength)
	case len(password) > maxPasswordBytes:
		fe.add("password", CodeTooLong, "is longer than %d bytes", maxPasswordBytes)
	case !utf8.ValidString(password):
		fe.add("password", CodeInvalidFormat, "is not valid UTF-8")
	case strings.EqualFold(password, name):
		fe.add("password", CodeInvalidFormat, "must not be the user name")
	}
}
