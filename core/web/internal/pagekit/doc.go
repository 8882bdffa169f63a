// Package pagekit is the machinery of the HTML pages that no single area
// owns: the page every template gets (View) and its rendering with the
// layout (Pages.Render), the signed-in user of a page request, CSRF tokens
// bound to a session or an anonymous cookie and the check of every post,
// decoding a browser's form post within limits (Submission), form tokens,
// the generated forms of processes and transitions (render, read a post
// with its uploads, create a ticket, computed fields), data lists, files of
// replies and comments, the ticket version a form was rendered at, the
// limits a refused upload states, and the user form shared by the admin
// pages and one's own account. The page areas (core/web/admin,
// core/web/portal, core/web/workspace) embed Pages; the JSON API does not
// use it. core/web parses the templates, with TemplateFuncs among their
// functions, and hands them in.
package pagekit
