// Package admin serves the admin pages under /admin: the loaded
// definitions with their content hashes, each process as a state diagram,
// the recorded versions of the definitions and their differences, user
// administration (users, roles and teams, reset links, sessions, API
// tokens) and the admin audit log. core/web registers it behind the
// sign-in and the administrator check; the pages are rendered with
// core/web/internal/pagekit, and core/auth and the engine decide what an
// administrator may do.
package admin
