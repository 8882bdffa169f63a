// Package api serves vorgang's JSON API under /api/v1 and its OpenAPI
// description (/api/v1/openapi.json): sign-in and sessions, processes,
// tickets (create, list, read, track, transition, comment, assign,
// approve, reject), users and API tokens for administrators and for one's
// own account, and the assets of the CMDB when they are served.
//
// A caller is an API token (Authorization: Bearer vg_…), a session (Bearer
// or the session cookie), or anonymous; handlers decide what anonymous
// callers may do. Handlers decode JSON, call the engine, auth or assets,
// and return errors of core/fault kinds, which the app's error handler
// (core/web) turns into the one error shape through
// core/web/internal/webkit. core/web registers the routes with Register.
package api
