package auth

import (
	"context"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// TwoFactorCollection holds one document per local user who has begun or
// turned on two-factor sign-in, with the user name as _id. The secret
// lives here and not in the user record, so nothing that lists or shows
// users can hand it out.
const TwoFactorCollection = "two_factor"

// TOTP parameters: those every authenticator app understands (RFC 6238's
// defaults: SHA-1, six digits, 30-second steps).
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew is how many steps before and after the current one a code
	// is accepted, for clocks that drift and codes typed at a step's end.
	totpSkew = 1
	// totpIssuer names vorgang in the authenticator app.
	totpIssuer = "vorgang"
	// enrolmentFor is how long a secret shown for enrolment waits for its
	// confirmation; the page shows the same one until then, so a reload
	// does not invalidate what the app has scanned.
	enrolmentFor = 30 * time.Minute
)

// Field error codes of the second factor, stable for API clients.
const (
	// CodeOTPRequired: the user signs in with a second factor and the
	// request has no code (field "otp").
	CodeOTPRequired = "otp_required"
	// CodeInvalidOTP: the code is wrong, was used already, or is a used
	// recovery code.
	CodeInvalidOTP = "invalid_otp"
)

// ErrOTPRequired is the answer to a right password of a user who signs in
// with a second factor when no code came with it. It is of kind
// fault.Unauthenticated and names the field "otp".
var ErrOTPRequired = &fault.Error{Kind: fault.Unauthenticated, Code: CodeOTPRequired,
	Fields: []fault.FieldError{{Field: "otp", Code: CodeOTPRequired}}, Detail: "auth: a one-time code is required"}

// ErrInvalidOTP refuses a wrong or reused code at sign-in. It is of kind
// fault.Unauthenticated and names the field "otp"; it is counted as a
// failed login.
var ErrInvalidOTP = &fault.Error{Kind: fault.Unauthenticated, Code: CodeInvalidOTP,
	Fields: []fault.FieldError{{Field: "otp", Code: CodeInvalidOTP}}, Detail: "auth: the one-time code is not valid"}

// ErrTwoFactorDirectory refuses two-factor enrolment of a directory user:
// their directory signs them in, and asks for a second factor if it wants
// one. It is of kind fault.NotAllowedNow.
var ErrTwoFactorDirectory = fault.Coded(fault.NotAllowedNow, "two_factor_directory", "auth: directory users get two-factor sign-in from their directory")

// ErrTwoFactorEnabled refuses a new enrolment while two-factor sign-in is
// on; it is of kind fault.Conflict.
var ErrTwoFactorEnabled = fault.Coded(fault.Conflict, "two_factor_enabled", "auth: two-factor sign-in is on already")

// ErrTwoFactorNotStarted refuses a confirmation without an enrolment
// begun (or one left too long); it is of kind fault.NotAllowedNow.
var ErrTwoFactorNotStarted = fault.Coded(fault.NotAllowedNow, "two_factor_not_started", "auth: no two-factor enrolment is waiting")

// ErrTwoFactorRequired refuses to turn two-factor sign-in off for a user
// whose role requires it; it is of kind fault.NotAllowedNow.
var ErrTwoFactorRequired = fault.Coded(fault.NotAllowedNow, "two_factor_required", "auth: a role of the user requires two-factor sign-in")

// twoFactorDoc is a user's second factor in TwoFactorCollection.
type twoFactorDoc struct {
	User string `bson:"_id"`
	// Secret is the base32 TOTP secret once confirmed; empty before.
	Secret string `bson:"secret"`
	// Pending is the secret shown for enrolment, until confirmed;
	// PendingSince when it was made.
	Pending      string    `bson:"pending"`
	PendingSince time.Time `bson:"pending_since"`
	// LastStep is the time step of the last code accepted: a code of that
	// step or an earlier one is refused, so a code seen over a shoulder
	// or in a log cannot be used again.
	LastStep int64 `bson:"last_step"`
	// Recovery holds the SHA-256 of each recovery code not yet used.
	Recovery []string  `bson:"recovery"`
	Enabled  time.Time `bson:"enabled"`
	Version  int64     `bson:"version"`
}

func (d *twoFactorDoc) on() bool { return d != nil && d.Secret != "" }

// TwoFactorStatus is what a user's two-factor page shows.
type TwoFactorStatus struct {
	// Enabled: sign-in asks for a code.
	Enabled bool
	// Since is when it was turned on.
	Since time.Time
	// RecoveryLeft counts the unused recovery codes.
	RecoveryLeft int
	// Required: a role of the user requires it, so it cannot be turned off.
	Required bool
	// Available is false for directory users.
	Available bool
}

// TOTPEnrolment is a secret waiting for confirmation: shown once as a QR
// code of URL and as Secret for typing in.
type TOTPEnrolment struct {
	// Secret is the base32 secret, for manual entry.
	Secret string
	// URL is the otpauth:// key the QR code holds.
	URL string
}

// TwoFactor returns the user's two-factor status.
func (s *Service) TwoFactor(ctx context.Context, name string) (*TwoFactorStatus, error) {
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, err
	}
	d, err := s.twoFactorDoc(ctx, u.Name)
	if err != nil {
		return nil, err
	}
	st := &TwoFactorStatus{Available: u.Source != SourceDirectory, Required: s.twoFactorRequired(u)}
	if d.on() {
		st.Enabled, st.Since, st.RecoveryLeft = true, d.Enabled, len(d.Recovery)
	}
	return st, nil
}

// BeginTOTP makes a new TOTP secret for the user and keeps it until
// ConfirmTOTP proves the user's app has it; asked again within
// enrolmentFor, it returns the same secret. Sign-in does not change until
// the confirmation.
func (s *Service) BeginTOTP(ctx context.Context, name string) (*TOTPEnrolment, error) {
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("auth: begin two-factor: %w", err)
	}
	if u.Source == SourceDirectory {
		return nil, fmt.Errorf("auth: begin two-factor for %s: %w", u.Name, ErrTwoFactorDirectory)
	}
	now := s.now()
	for range maxCASAttempts {
		d, err := s.twoFactorDoc(ctx, u.Name)
		if err != nil {
			return nil, err
		}
		if d.on() {
			return nil, fmt.Errorf("auth: begin two-factor for %s: %w", u.Name, ErrTwoFactorEnabled)
		}
		if d.Pending != "" && now.Sub(d.PendingSince) < enrolmentFor {
			return s.enrolment(u.Name, d.Pending)
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Name, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return nil, fmt.Errorf("auth: begin two-factor for %s: %w", u.Name, err)
		}
		if d.Version == 0 {
			err = s.db.Insert(ctx, TwoFactorCollection, twoFactorDoc{User: u.Name, Pending: key.Secret(), PendingSince: now, Recovery: []string{}, Version: 1})
		} else {
			_, err = s.db.Update(ctx, TwoFactorCollection, u.Name, d.Version, map[string]any{"$set": map[string]any{"pending": key.Secret(), "pending_since": now}})
		}
		if errors.Is(err, store.ErrDuplicate) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("auth: begin two-factor for %s: %w", u.Name, err)
		}
		return s.enrolment(u.Name, key.Secret())
	}
	return nil, fmt.Errorf("auth: begin two-factor for %s: %w: gave up after %d attempts", u.Name, fault.Conflict, maxCASAttempts)
}

func (s *Service) enrolment(user, secret string) (*TOTPEnrolment, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("auth: two-factor key of %s: %w", user, err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: user, Period: totpPeriod, Digits: totpDigits,
		Algorithm: otp.AlgorithmSHA1, Secret: raw})
	if err != nil {
		return nil, fmt.Errorf("auth: two-factor key of %s: %w", user, err)
	}
	return &TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP turns two-factor sign-in on when code is a current code of
// the secret BeginTOTP made. It returns the recovery codes, shown to the
// user once: only their hashes are kept. A wrong code is a fault.Invalid
// error naming the field "code".
func (s *Service) ConfirmTOTP(ctx context.Context, name, code string) ([]string, error) {
	u, err := s.User(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("auth: confirm two-factor: %w", err)
	}
	if u.Source == SourceDirectory {
		return nil, fmt.Errorf("auth: confirm two-factor for %s: %w", u.Name, ErrTwoFactorDirectory)
	}
	now := s.now()
	d, err := s.twoFactorDoc(ctx, u.Name)
	if err != nil {
		return nil, err
	}
	if d.on() {
		return nil, fmt.Errorf("auth: confirm two-factor for %s: %w", u.Name, ErrTwoFactorEnabled)
	}
	if d.Pending == "" || now.Sub(d.PendingSince) >= enrolmentFor {
		return nil, fmt.Errorf("auth: confirm two-factor for %s: %w", u.Name, ErrTwoFactorNotStarted)
	}
	step, ok := matchTOTP(d.Pending, normalizeCode(code), now, 0)
	if !ok {
		var fe fieldErrors
		fe.add("code", CodeInvalidOTP, "the code does not match; check the time of the device and type the code it shows now")
		return nil, fmt.Errorf("auth: confirm two-factor for %s: %w", u.Name, fe.err())
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	_, err = s.db.Update(ctx, TwoFactorCollection, u.Name, d.Version, map[string]any{"$set": map[string]any{
		"secret": d.Pending, "pending": "", "last_step": step, "recovery": hashes, "enabled": now,
	}})
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("auth: confirm two-factor for %s: %w: changed meanwhile", u.Name, fault.Conflict)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: confirm two-factor for %s: %w", u.Name, err)
	}
	// The flag in the user record is what the principal reads on every
	// request; the secret stays in its own collection.
	if err := s.modifyUser(ctx, "turn on two-factor", u.Name, func(*User) map[string]any {
		return map[string]any{"two_factor": true}
	}); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "two-factor sign-in turned on", slog.String("user", u.Name))
	return codes, nil
}

// DisableTOTP turns the user's two-factor sign-in off after checking a
// current code (or a recovery code) from client, so that a session left
// open is not enough. Wrong codes count on the login throttle, as at
// sign-in: a stolen session must not be a way to guess codes at leisure
// (while a wait is due it answers a *ThrottledError). It is refused while
// a role of the user requires it.
func (s *Service) DisableTOTP(ctx context.Context, name, code, client string) error {
	u, err := s.User(ctx, name)
	if err != nil {
		return fmt.Errorf("auth: turn off two-factor: %w", err)
	}
	if s.twoFactorRequired(u) {
		return fmt.Errorf("auth: turn off two-factor for %s: %w", u.Name, ErrTwoFactorRequired)
	}
	now := s.now()
	counters := s.counters(u.Name, client)
	st, err := s.throttled(ctx, counters, now)
	if err != nil {
		if errors.Is(err, ErrThrottled) {
			return err
		}
		return fmt.Errorf("auth: turn off two-factor for %s: %w", u.Name, err)
	}
	ok, err := s.checkSecondFactor(ctx, u.Name, code)
	if err != nil {
		return fmt.Errorf("auth: turn off two-factor for %s: %w", u.Name, err)
	}
	if !ok {
		s.countFailure(ctx, u.Name, counters, st, now)
		var fe fieldErrors
		fe.add("code", CodeInvalidOTP, "the code is not valid")
		return fmt.Errorf("auth: turn off two-factor for %s: %w", u.Name, fe.err())
	}
	return s.ResetTwoFactor(ctx, u.Name)
}

// ResetTwoFactor turns the user's two-factor sign-in off without a code:
// for an administrator, when a person lost their device and their
// recovery codes. If a role requires it, the user sets it up again at the
// next sign-in.
func (s *Service) ResetTwoFactor(ctx context.Context, name string) error {
	name = NormalizeName(name)
	// The flag first: a crash in between leaves the code asked for at
	// sign-in, never a user without a second factor whose flag says
	// otherwise.
	if err := s.modifyUser(ctx, "turn off two-factor", name, func(*User) map[string]any {
		return map[string]any{"two_factor": false}
	}); err != nil {
		return err
	}
	if err := s.deleteByID(ctx, TwoFactorCollection, name); err != nil {
		return fmt.Errorf("auth: turn off two-factor for %s: %w", name, err)
	}
	s.log.InfoContext(ctx, "two-factor sign-in turned off", slog.String("user", name))
	return nil
}

// twoFactorDoc reads the user's document; an empty one if there is none.
func (s *Service) twoFactorDoc(ctx context.Context, name string) (*twoFactorDoc, error) {
	var d twoFactorDoc
	err := s.db.Get(ctx, TwoFactorCollection, name, &d)
	if errors.Is(err, store.ErrNotFound) {
		return &twoFactorDoc{User: name}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: two-factor of %s: %w", name, err)
	}
	return &d, nil
}

// checkSecondFactor checks a TOTP code or a recovery code of a user with
// two-factor sign-in on, and uses it up: a TOTP code's time step (and
// every earlier one) is refused afterwards, a recovery code is removed.
// Concurrent checks of one code let at most one pass.
func (s *Service) checkSecondFactor(ctx context.Context, name, code string) (bool, error) {
	code = normalizeCode(code)
	for range maxCASAttempts {
		d, err := s.twoFactorDoc(ctx, name)
		if err != nil {
			return false, err
		}
		if !d.on() || code == "" {
			return false, nil
		}
		var set map[string]any
		if len(code) == int(totpDigits) {
			step, ok := matchTOTP(d.Secret, code, s.now(), d.LastStep)
			if !ok {
				return false, nil
			}
			set = map[string]any{"last_step": step}
		} else {
			h := recoveryHash(code)
			i := slices.IndexFunc(d.Recovery, func(x string) bool { return subtle.ConstantTimeCompare([]byte(x), []byte(h)) == 1 })
			if i < 0 {
				return false, nil
			}
			set = map[string]any{"recovery": slices.Delete(slices.Clone(d.Recovery), i, i+1)}
			s.log.InfoContext(ctx, "recovery code used", slog.String("user", name), slog.Int("left", len(d.Recovery)-1))
		}
		_, err = s.db.Update(ctx, TwoFactorCollection, name, d.Version, map[string]any{"$set": set})
		if errors.Is(err, store.ErrConflict) {
			continue // another check got in first: look again, it may have used this code
		}
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("auth: use second factor of %s: %w", name, err)
		}
		return true, nil
	}
	return false, fmt.Errorf("auth: second factor of %s: %w: gave up after %d attempts", name, fault.Conflict, maxCASAttempts)
}

// matchTOTP returns the time step of the current steps (within totpSkew)
// whose code is code, skipping steps up to and including after (used
// already).
func matchTOTP(secret, code string, now time.Time, after int64) (int64, bool) {
	if len(code) != int(totpDigits) {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for step := current - totpSkew; step <= current+totpSkew; step++ {
		if step <= after {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// normalizeCode drops what people type between the characters of a code
// (spaces, dashes) and lower-cases recovery codes.
func normalizeCode(code string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(code)))
}

// twoFactorRequired reports whether a role of the local user requires
// two-factor sign-in.
func (s *Service) twoFactorRequired(u *User) bool {
	cat := s.cfg.Catalog()
	p, _ := buildPrincipal(u, cat)
	return twoFactorRequired(u, p.Roles, cat)
}

// twoFactorRequired: roles are the user's resolved roles (own and of the
// teams).
func twoFactorRequired(u *User, roles []string, cat *definition.Catalog) bool {
	if cat == nil || u.Source == SourceDirectory {
		return false
	}
	for _, r := range cat.TwoFactorRoles() {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}
