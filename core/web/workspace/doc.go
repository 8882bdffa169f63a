// Package workspace serves the staff workspace under /app: signing in
// (password, with the directory when one is defined, single sign-on,
// two-factor codes, password reset links) and out, the inbox, the
// dashboard, new tickets, the ticket pages (transitions with their forms,
// comments with files, assignment, approval decisions, why a step is not
// open to the person, downloads) and one's own account (password, API
// tokens, two-factor sign-in). core/web registers it: the sign-in pages
// first, the rest behind its staff guard. The pages are rendered with
// core/web/internal/pagekit; the engine and auth decide what a person may
// see and do.
package workspace
