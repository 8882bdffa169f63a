// Package identity talks to directories: it checks a person's password
// against an LDAP directory or Active Directory (by binding as the person),
// reads the profile and the group memberships, and maps groups to vorgang
// roles and teams as an IdentityProvider definition declares.
//
// It knows nothing of the user collection: core/auth calls it at login
// through a small interface and stores what it answers; core/app wires the
// two together. Sessions stay local, so a request never waits for the
// directory.
package identity
