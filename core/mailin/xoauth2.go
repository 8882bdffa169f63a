package mailin

import (
	"errors"
	"strings"
)

// xoauth2 is the client side of SASL XOAUTH2, the mechanism Microsoft 365
// (Exchange Online) and Gmail take an OAuth 2.0 access token with over
// IMAP: one initial response naming the user and the bearer token. A
// token the server refuses draws a challenge (a JSON error) that the
// client answers with an empty response, after which the server says NO.
// go-sasl carries OAUTHBEARER (RFC 7628), which those servers do not
// offer for IMAP, and no longer XOAUTH2.
type xoauth2 struct {
	user, token string
	// refusal is the server's challenge, the reason it gives.
	refusal string
}

func (a *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + a.user + "\x01auth=Bearer " + a.token + "\x01\x01"), nil
}

func (a *xoauth2) Next(challenge []byte) ([]byte, error) {
	if a.refusal != "" {
		return nil, errors.New("xoauth2: a second challenge")
	}
	a.refusal = strings.TrimSpace(string(challenge))
	if a.refusal == "" {
		a.refusal = "(empty challenge)"
	}
	return []byte{}, nil
}
