// Package auth is vorgang's identity layer: users, password logins,
// sessions, API tokens and the Principal — who is asking and what they may
// do, resolved from the user record and the Role and Team definitions.
// It knows nothing of HTTP; core/web reads the token from a cookie or an
// Authorization header and maps the errors to statuses.
//
// # Storage
//
// Every document is read by a string _id, the only lookup the embedded
// store answers without decoding a whole collection (see core/store):
//
//   - users/<name>: the user record (User);
//   - sessions/<sha256(token)>: one per login;
//   - api_tokens/<sha256(secret)>: one per API token;
//   - token_index/<name>: the ids of a user's API tokens, so listing them
//     needs no query;
//   - user_groups/team:<id>, role:<id>, all: the users of a team, of a
//     role held directly, and all users, so Members and ListUsers need no
//     query (see GroupsCollection);
//   - login_failures/account:<name>, account:<name>|<address>,
//     client:<address>: failed-login counters.
//
// Session tokens and API token secrets are 256-bit random values; only
// their SHA-256 is stored, so a database copy holds no usable credential.
// Changes that must not be lost under concurrency (failure counts, token
// index, user edits) are compare-and-set updates on the document's version
// (store.Update) or inserts of a unique _id, which are atomic on MongoDB and
// on the embedded FerretDB alike. Sweep is the one scan, for a scheduled
// job (besides filling the member lists once for older data). Schema
// declares the collections and these queries to the store.
//
// # Passwords
//
// Passwords are hashed with argon2id (golang.org/x/crypto/argon2) and
// stored in PHC string format with their parameters and salt. The defaults
// (DefaultParams) follow OWASP's baseline, m=19 MiB, t=2, p=1; at most
// Config.HashConcurrency hashes run at once, so a burst of logins on a
// small machine queues instead of taking 19 MiB per request. A login whose
// stored hash used other parameters re-hashes the password with the current
// ones.
//
// # Sessions
//
// A session ends after DefaultSessionIdle (8 h) without use or
// DefaultSessionLifetime (7 days) after login, whichever comes first, and
// when the user logs out, is disabled, changes password or has all
// sessions revoked (the user's session epoch moves on). Its last use is
// written at most once per DefaultTouchInterval (5 min), not per request.
// Expired sessions are deleted when presented, and by Sweep, which the
// server runs hourly (core/app).
//
// # Failed logins
//
// Failed logins are throttled, never locked (OWASP: a lock lets anyone
// keep anyone out). Login takes the client's address and counts failures
// in three counters (see Throttle): of the account from that address
// (five free, then waits of 1 s, 2 s, 4 s … up to 15 min), of the account
// from addresses it has not signed in from lately (beyond ten failing
// addresses), and of the address for all names (beyond 20 failures). A
// successful login clears the account's count for its address and makes
// the address known, which the account's counter leaves alone; it counts
// against nothing, so an office behind one address is not slowed down by
// its own logins. Names are counted whether or not a user has them, and an
// unknown user costs the same argon2id verification as a wrong password,
// so neither errors, waits nor timing reveal which user names exist.
//
// # Roles and permissions
//
// A Principal holds the user's own roles, the roles of the user's teams
// (not of their parent teams: a Team's parent is where escalations go, not
// a group its members belong to) and the union of those roles'
// permissions. The role "admin" is built in (RoleAdmin); it and any role
// with the "admin" permission make the principal an administrator, who has
// every permission. Roles and teams are resolved on every authentication
// against the current catalog, so a definition reload takes effect at once;
// a role or team a user record names but the catalog no longer defines is
// ignored and logged once.
package auth
