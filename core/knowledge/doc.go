// Package knowledge keeps the knowledge base: articles staff write in the
// workspace and citizens read on the portal's help centre.
//
// An article has a German and an English text (title and Markdown body),
// a category, tags, a visibility (public on the portal, internal for
// staff, or for one team), an owner and a review date. Articles are
// content that changes daily, not definitions, so they live in the store.
//
// # Storage
//
// An article is one document in kb_articles whose _id is its number
// (KB-1, KB-2, …) and whose version counts its saves. A save is a
// compare-and-set update (store.Update) of the version the editor read, so
// of two editors of one version exactly one wins and the other gets
// fault.Conflict. Every version is kept in kb_versions under
// "<number>/<version>" with its author and time, so the list of versions
// is a batch of gets by _id and two versions can be compared. The version
// document is written after the article, by the one winner of the
// compare-and-set; a crash in between leaves that version without its
// document, and the list then takes the article itself for its latest
// version.
//
// How often an article was shown beside a request form or inserted into a
// reply is counted in kb_stats, a document of its own, so a citizen typing
// a request never changes the version under an editor.
//
// # Finding articles
//
// The knowledge base is small beside the tickets (hundreds, a few
// thousand articles), so a list or search reads the articles' collection
// (a declared scanning shape) and filters them in Go: the asker's scope
// (Scope) is applied before ranking and paging, so an article the asker
// may not see is neither shown nor counted. docs/knowledge.md describes the
// rules.
package knowledge
