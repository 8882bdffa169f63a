// Package pagekit is the machinery of the HTML pages that does not depend
// on one area: decoding a browser's form post within limits (Submission),
// the CSRF and form tokens and the same-origin check (Signer), and the
// ticket version a form was rendered at (PostedVersion). The portal, the
// workspace and the admin pages use it; the JSON API does not.
package pagekit
