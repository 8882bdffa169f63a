// Package webkit is what the areas of core/web share: the one error shape
// (Error) with its codes and the table from core/fault kinds to statuses,
// the words of errors, refusals and pages in German and English, the
// titles of states, teams and transitions, where a request comes from
// (Clients) and the citizen rate limit, and the session cookie.
//
// It sits below core/web and its areas (api, and the pages): core/web
// registers the areas' routes, so the areas cannot import core/web, and
// what they all need lives here instead. It imports no area. It is
// internal to core/web: nothing outside the web layer uses it.
package webkit
