// Package portal serves the citizen portal under /portal: the catalog of
// the services citizens may request, each request's form (with a honeypot
// against robots and the computed fields while it is filled in), the
// confirmation, and the tracking page a citizen's secret link opens, with
// the public history, replies with files, the request's files and its
// follow-ups (a survey, a second request). Nobody signs in: the tracking
// token is the credential, and posts without an account share one rate
// limit with the API's anonymous creates. core/web registers it; the pages
// are rendered with core/web/internal/pagekit, and the engine decides what
// a citizen may see and do.
package portal
