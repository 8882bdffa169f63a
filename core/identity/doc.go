// Package identity talks to directories and OpenID providers: it checks a
// person's password against an LDAP directory or Active Directory (by
// binding as the person), reads the profile and the group memberships, and
// maps groups to vorgang roles and teams as an IdentityProvider definition
// declares. As the OpenID Connect client of an oidc provider (SignOn) it
// builds the authorization request (code flow, PKCE, state, nonce),
// redeems the code and verifies the ID token, and reads the person from its
// claims.
//
// It knows nothing of the user collection: core/auth calls it at login
// through a small interface and stores what it answers; core/app wires the
// two together. Sessions stay local, so a request never waits for the
// directory or the provider.
package identity
