package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// TokenPrefix starts every API token, so a token is recognisable in a
// configuration file or a secret scanner's findings.
const TokenPrefix = "vg_"

// tokenDoc is one API token, in the api_tokens collection. Its _id is the
// SHA-256 of the secret; the secret itself is never stored.
type tokenDoc struct {
	ID       string    `bson:"_id"`
	User     string    `bson:"user"`
	Name     string    `bson:"name"`
	Created  time.Time `bson:"created"`
	Expires  time.Time `bson:"expires"`   // zero: never
	LastUsed time.Time `bson:"last_used"` // written at most once per TouchInterval
	Version  int64     `bson:"version"`
}

// tokenIndex lists one user's token ids, in the token_index collection
// with the user name as _id. Listing a user's tokens reads it and then each
// token by _id, instead of filtering api_tokens by user (a scan of the
// whole collection on the embedded store).
type tokenIndex struct {
	User    string   `bson:"_id"`
	Tokens  []string `bson:"tokens"`
	Version int64    `bson:"version"`
}

// Token describes an API token; the secret is not part of it.
type Token struct {
	// ID identifies the token for RevokeToken: the SHA-256 of the secret
	// in hex, which reveals nothing about the secret.
	ID       string    `json:"id"`
	User     string    `json:"user"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"` // zero: never
	LastUsed time.Time `json:"last_used"`
}

// Expired reports whether the token has expired at now.
func (t Token) Expired(now time.Time) bool { return !t.Expires.IsZero() && !now.Before(t.Expires) }

func (d *tokenDoc) token() Token {
	return Token{ID: d.ID, User: d.User, Name: d.Name, Created: d.Created, Expires: d.Expires, LastUsed: d.LastUsed}
}

// CreateToken makes an API token for the user, named name (what it is for,
// e.g. "monitoring"), valid until expires (zero: until revoked). It returns
// the secret — "vg_" and 43 base64url characters — which is shown to the
// caller once and cannot be recovered, and the token's description.
//
// The token is added to the user's token index before it is stored, so a
// crash in between leaves an index entry without a token (skipped by
// ListTokens), never a working token that ListTokens does not show.
func (s *Service) CreateToken(ctx context.Context, user, name string, expires time.Time) (string, *Token, error) {
	user = NormalizeName(user)
	name = strings.TrimSpace(name)
	now := s.now()
	var fe fieldErrors
	checkText(&fe, "name", name, maxTokenName, true)
	if !expires.IsZero() {
		expires = expires.UTC().Truncate(time.Millisecond)
		if !expires.After(now) {
			fe.add("expires", CodeInPast, "lies in the past")
		}
	}
	if err := fe.err(); err != nil {
		return "", nil, fmt.Errorf("auth: create token: %w", err)
	}
	u, err := s.User(ctx, user)
	if err != nil {
		return "", nil, fmt.Errorf("auth: create token: %w", err)
	}
	if u.Disabled {
		// The caller is signed in; the user the token is for cannot have
		// one now.
		return "", nil, fmt.Errorf("auth: create token for %s: %w: %w", user, fault.NotAllowedNow, ErrUserDisabled)
	}

	rnd, err := newSecret()
	if err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + rnd
	d := tokenDoc{ID: secretID(secret), User: user, Name: name, Created: now, Expires: expires, Version: 1}
	if err := s.addToIndex(ctx, user, d.ID); err != nil {
		return "", nil, err
	}
	if err := s.db.Insert(ctx, TokensCollection, d); err != nil {
		if rerr := s.removeFromIndex(ctx, user, d.ID); rerr != nil {
			s.log.WarnContext(ctx, "could not remove a token id from the index", slog.String("user", user), slog.Any("error", rerr))
		}
		return "", nil, fmt.Errorf("auth: create token for %s: %w", user, err)
	}
	t := d.token()
	return secret, &t, nil
}

// ListTokens returns the user's API tokens, expired ones included, oldest
// first.
func (s *Service) ListTokens(ctx context.Context, user string) ([]Token, error) {
	user = NormalizeName(user)
	ix, err := s.tokenIndex(ctx, user)
	if err != nil {
		return nil, err
	}
	out := []Token{}
	for _, id := range ix.Tokens {
		var d tokenDoc
		err := s.db.Get(ctx, TokensCollection, id, &d)
		if errors.Is(err, store.ErrNotFound) {
			continue // left by a failed create or revoke
		}
		if err != nil {
			return nil, fmt.Errorf("auth: list tokens of %s: %w", user, err)
		}
		out = append(out, d.token())
	}
	slices.SortFunc(out, func(a, b Token) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// RevokeToken deletes the user's API token with the id. It returns an error
// wrapping ErrTokenNotFound if the user has no such token.
func (s *Service) RevokeToken(ctx context.Context, user, id string) error {
	user = NormalizeName(user)
	var d tokenDoc
	err := s.db.Get(ctx, TokensCollection, id, &d)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.User != user) {
		return fmt.Errorf("auth: revoke token of %s: %w", user, ErrTokenNotFound)
	}
	if err != nil {
		return fmt.Errorf("auth: revoke token of %s: %w", user, err)
	}
	// The token first: once it is gone it no longer works, whatever
	// happens to the index.
	if err := s.deleteByID(ctx, TokensCollection, id); err != nil {
		return err
	}
	return s.removeFromIndex(ctx, user, id)
}

// AuthenticateToken returns the principal of an API token's user. It
// returns an error wrapping ErrUnauthenticated if the token is unknown,
// revoked or expired, or its user is gone or disabled. Expired tokens are
// kept (ListTokens shows them) until revoked.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*Principal, error) {
	rnd, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok || !wellFormedSecret(rnd) {
		return nil, fmt.Errorf("%w: malformed api token", ErrUnauthenticated)
	}
	id := secretID(secret)
	now := s.now()
	e, cached := s.tokens.get(id, s.cfg.Now(), s.cfg.TokenCacheFor)
	if !cached {
		var err error
		if e, err = s.readToken(ctx, id); err != nil {
			return nil, err
		}
	}
	d, u := &e.token, &e.user
	if d.token().Expired(now) {
		return nil, fmt.Errorf("%w: api token %q of %s expired", ErrUnauthenticated, d.Name, d.User)
	}
	if u.Disabled {
		return nil, fmt.Errorf("%w: user %s is disabled", ErrUnauthenticated, u.Name)
	}
	if now.Sub(d.LastUsed) >= s.cfg.TouchInterval {
		// The write invalidates the cache; the next request reads the
		// token with its new stamp.
		_, err := s.db.Update(ctx, TokensCollection, id, d.Version, map[string]any{"$set": map[string]any{"last_used": now}})
		if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "could not record api token use", slog.String("user", u.Name), slog.Any("error", err))
		}
	} else if !cached {
		s.tokens.put(id, e)
	}
	return s.principal(ctx, u), nil
}

// readToken reads the token with the id and its user, for the token cache:
// the entry carries the cache's generation from before the reads.
func (s *Service) readToken(ctx context.Context, id string) (tokenCacheEntry, error) {
	e := tokenCacheEntry{gen: s.tokens.gen.Load(), read: s.cfg.Now()}
	if err := s.db.Get(ctx, TokensCollection, id, &e.token); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return e, fmt.Errorf("%w: unknown api token", ErrUnauthenticated)
		}
		return e, fmt.Errorf("auth: authenticate token: %w", err)
	}
	if err := s.db.Get(ctx, UsersCollection, e.token.User, &e.user); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return e, fmt.Errorf("%w: user %s of api token no longer exists", ErrUnauthenticated, e.token.User)
		}
		return e, fmt.Errorf("auth: authenticate token: %w", err)
	}
	return e, nil
}

// tokenIndex reads the user's token index; an empty one if there is none.
func (s *Service) tokenIndex(ctx context.Context, user string) (*tokenIndex, error) {
	ix := &tokenIndex{User: user}
	err := s.db.Get(ctx, TokenIndexCollection, user, ix)
	if errors.Is(err, store.ErrNotFound) {
		return &tokenIndex{User: user}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token index of %s: %w", user, err)
	}
	return ix, nil
}

// addToIndex adds id to the user's token index: the first token inserts
// the index, later ones append with compare-and-set.
func (s *Service) addToIndex(ctx context.Context, user, id string) error {
	for range maxCASAttempts {
		ix, err := s.tokenIndex(ctx, user)
		if err != nil {
			return err
		}
		if len(ix.Tokens) >= s.cfg.MaxTokensPerUser {
			var fe fieldErrors
			fe.add("tokens", CodeTooMany, "a user may have at most %d api tokens; revoke one first", s.cfg.MaxTokensPerUser)
			return fmt.Errorf("auth: create token for %s: %w", user, fe.err())
		}
		if ix.Version == 0 {
			err = s.db.Insert(ctx, TokenIndexCollection, tokenIndex{User: user, Tokens: []string{id}, Version: 1})
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
		} else {
			_, err = s.db.Update(ctx, TokenIndexCollection, user, ix.Version, map[string]any{"$push": map[string]any{"tokens": id}})
			if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("auth: index token of %s: %w", user, err)
		}
		return nil
	}
	return fmt.Errorf("auth: index token of %s: %w: gave up after %d attempts", user, fault.Conflict, maxCASAttempts)
}

// removeFromIndex removes id from the user's token index.
func (s *Service) removeFromIndex(ctx context.Context, user, id string) error {
	for range maxCASAttempts {
		ix, err := s.tokenIndex(ctx, user)
		if err != nil {
			return err
		}
		if ix.Version == 0 || !slices.Contains(ix.Tokens, id) {
			return nil
		}
		rest := slices.DeleteFunc(slices.Clone(ix.Tokens), func(x string) bool { return x == id })
		_, err = s.db.Update(ctx, TokenIndexCollection, user, ix.Version, map[string]any{"$set": map[string]any{"tokens": rest}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("auth: unindex token of %s: %w", user, err)
		}
		return nil
	}
	return fmt.Errorf("auth: unindex token of %s: %w: gave up after %d attempts", user, fault.Conflict, maxCASAttempts)
}
