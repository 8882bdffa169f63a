package api

import (
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// The knowledge base routes in the OpenAPI document; present when the
// server has a knowledge base (APIDeps.Knowledge).

func oaArticleSchemas() oaObj {
	str := oaObj{"type": "string"}
	text := oaObj{"type": "object", "properties": oaObj{"title": str, "body": oaObj{"type": "string", "description": "Markdown."}}}
	texts := oaObj{"type": "object", "description": "The texts by language: de, en; at least one has a title.",
		"properties": oaObj{"de": text, "en": text}}
	visibility := oaObj{"type": "string", "enum": []any{"public", "internal", "team"},
		"description": "public: everybody, citizens too; internal: every member of staff; team: the members of `team`."}
	date := oaObj{"type": "string", "format": "date-time"}
	return oaObj{
		"Article": oaObj{
			"type":     "object",
			"required": []any{"number", "version", "texts", "html", "category", "tags", "visibility", "owner"},
			"properties": oaObj{
				"number":  oaObj{"type": "string", "description": "KB-1, KB-2, …"},
				"version": oaObj{"type": "integer", "description": "Send it back with an update; a stale one is answered 409."},
				"texts":   texts,
				"html": oaObj{"type": "object", "description": "Each language's body as sanitised HTML; its images are the article's own files " +
					"(`/api/v1/articles/{number}/files/{name}`), other image sources are replaced by their alternative text.", "additionalProperties": str},
				"category": str, "tags": oaObj{"type": "array", "items": str}, "visibility": visibility, "team": str,
				"owner": str, "review_at": date, "created": date, "created_by": str, "updated": date, "updated_by": str,
				"pending": oaObj{"type": "object", "description": "Writers of articles only: the latest version while it waits for approval " +
					"(a category declared with a review): version, author, at and its content. The fields above stay the published text meanwhile."},
				"published":   oaObj{"type": "integer", "description": "Writers only, with `pending`: the version served meanwhile."},
				"unpublished": oaObj{"type": "boolean", "description": "Writers only: no version is approved yet; readers do not see the article."},
				"stats": oaObj{"type": "object", "description": "Staff only: what was done with the article, in all and per month (in lists in all, without `months`).",
					"properties": articleCountsProps(oaObj{
						"months": oaObj{"type": "array", "description": "The months with counts (UTC), newest first. A form shown, sent or used counts in the month it happened; one left in the month it was shown.",
							"items": oaObj{"type": "object", "required": []any{"month", "shown", "left", "submitted", "used"},
								"properties": articleCountsProps(oaObj{"month": oaObj{"type": "string", "description": "YYYY-MM", "example": "2026-12"}})}},
					})},
			},
		},
		"ArticleDecision": oaObj{
			"type": "object", "required": []any{"version"},
			"properties": oaObj{"version": oaObj{"type": "integer", "description": "The waiting version decided on; if another was saved since, the answer is 409."}},
		},
		"ArticleRequest": oaObj{
			"type":     "object",
			"required": []any{"texts", "category", "visibility"},
			"properties": oaObj{
				"version": oaObj{"type": "integer", "description": "The version edited (update)."},
				"texts":   texts, "category": str, "tags": oaObj{"type": "array", "items": str},
				"visibility": visibility, "team": str,
				"owner":     oaObj{"type": "string", "description": "Who reviews it; default: the writer."},
				"review_at": date,
			},
		},
		"ArticleList": oaObj{
			"type": "object", "required": []any{"total", "articles"},
			"properties": oaObj{
				"total":    oaObj{"type": "integer", "description": "Articles the caller may read that match."},
				"articles": oaObj{"type": "array", "items": oaObj{"type": "object", "description": "number, version, title (de, en), category, visibility, updated; for staff also stats (shown, submitted, left, used in all)"}},
			},
		},
		"ArticleVersions": oaObj{"type": "object", "properties": oaObj{"versions": oaObj{"type": "array", "items": oaObj{"type": "object",
			"description": "version, author, at and the content saved, newest first; a decision on a waiting version has decision (approved, rejected) and of (the version decided)"}}}},
		"ArticleFile": oaObj{
			"type": "object", "required": []any{"name", "content_type", "size", "url"},
			"properties": oaObj{
				"name":         oaObj{"type": "string", "description": "The name a body embeds it by: `![Plan](plan.png)`."},
				"content_type": oaObj{"type": "string", "description": "Sniffed from the content: image/png, image/jpeg, image/gif, image/webp or application/pdf."},
				"size":         oaObj{"type": "integer"}, "by": str, "at": date,
				"url": oaObj{"type": "string", "description": "Where the API serves it."},
			},
		},
		"ArticleFiles": oaObj{"type": "object", "required": []any{"files"},
			"properties": oaObj{"files": oaObj{"type": "array", "items": oaRef("ArticleFile")}}},
		"ArticleDiff": oaObj{"type": "object", "properties": oaObj{"from": oaObj{"type": "integer"}, "to": oaObj{"type": "integer"},
			"changes": oaObj{"type": "array", "items": oaObj{"type": "object", "description": "field and its lines, each with op keep, remove or add"}}}},
	}
}

func oaArticlePaths() oaObj {
	numberPath := []any{oaObj{"name": "number", "in": "path", "required": true, "description": "Article number.", "schema": oaObj{"type": "string"}}}
	query := func(name, description string) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "schema": oaObj{"type": "string"}}
	}
	integer := func(name, description string) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "schema": oaObj{"type": "integer", "minimum": 0}}
	}
	article := oaOK("The article.", oaRef("Article"))
	return oaObj{
		"/api/v1/articles": oaObj{
			"get": oaOp("articles", "listArticles", "Search the articles the caller may read, best first (without an account: the public ones)", oaOptional,
				oaObj{"200": oaOK("One page of articles.", oaRef("ArticleList"))},
				oaObj{"parameters": []any{oaParam("AcceptLanguage"), query("q", "Words, each of which must occur; case, umlauts and ß are folded."),
					query("category", "Articles of this category."), query("tag", "Articles with this tag."),
					integer("offset", "Articles to skip."), integer("limit", "Page size, at most 100 (default 20).")}}),
			"post": oaOp("articles", "createArticle", "Write an article (needs `knowledge.write`)", oaStaff,
				oaObj{"201": article, "403": oaError(webkit.CodeForbidden), "422": oaError("validation_failed")},
				oaObj{"requestBody": oaBody(oaRef("ArticleRequest"), true)}),
		},
		"/api/v1/articles/review": oaObj{"get": oaOp("articles", "listArticlesDue", "The caller's articles whose review date has come", oaStaff,
			oaObj{"200": oaOK("The articles, longest overdue first.", oaRef("ArticleList"))}, nil)},
		"/api/v1/articles/{number}": oaObj{
			"parameters": numberPath,
			"get":        oaOp("articles", "getArticle", "An article the caller may read", oaOptional, oaObj{"200": article, "404": oaError(webkit.CodeNotFound)}, nil),
			"put": oaOp("articles", "updateArticle", "Save a new version of an article (needs `knowledge.write`)", oaStaff,
				oaObj{"200": article, "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound), "409": oaError(webkit.CodeConflict), "422": oaError("validation_failed")},
				oaObj{"requestBody": oaBody(oaRef("ArticleRequest"), true)}),
		},
		"/api/v1/articles/pending": oaObj{"get": oaOp("articles", "listArticlesPending", "The articles whose waiting version the caller may approve", oaStaff,
			oaObj{"200": oaOK("The articles, longest waiting first, each with `pending` (version, author, at).", oaRef("ArticleList"))}, nil)},
		"/api/v1/articles/{number}/approve": oaObj{
			"parameters": numberPath,
			"post": oaOp("articles", "approveArticleVersion", "Approve and publish the waiting version (a reviewer of the category, never its author)", oaStaff,
				oaObj{"200": article, "403": oaError(webkit.CodeForbidden, knowledge.CodeOwnVersion, knowledge.CodeReviewerRole), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict), "422": oaError(knowledge.CodeNothingPending)},
				oaObj{"requestBody": oaBody(oaRef("ArticleDecision"), true)}),
		},
		"/api/v1/articles/{number}/reject": oaObj{
			"parameters": numberPath,
			"post": oaOp("articles", "rejectArticleVersion", "Withdraw the waiting version; the published text stays (a reviewer of the category, or its author)", oaStaff,
				oaObj{"200": article, "403": oaError(webkit.CodeForbidden, knowledge.CodeReviewerRole), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict), "422": oaError(knowledge.CodeNothingPending)},
				oaObj{"requestBody": oaBody(oaRef("ArticleDecision"), true)}),
		},
		"/api/v1/articles/{number}/files": oaObj{
			"parameters": numberPath,
			"get": oaOp("articles", "listArticleFiles", "The files of an article the caller may read, by name", oaOptional,
				oaObj{"200": oaOK("The files.", oaRef("ArticleFiles")), "404": oaError(webkit.CodeNotFound)}, nil),
			"post": oaOp("articles", "uploadArticleFile", "Upload a file of an article (needs `knowledge.write` and an article the caller may read): "+
				"an image or a PDF within the server's file size limit, at most 50 per article. A file of the same name is replaced; "+
				"the type is taken from the content, never from the request, and SVG is refused. A refusal names the field `file` with the code "+
				"`required`, `invalid_file_name`, `file_type_not_allowed`, `file_too_large` or `too_many_files`.", oaStaff,
				oaObj{"201": oaOK("The file, stored.", oaRef("ArticleFile")), "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound),
					"422": oaError("validation_failed")},
				oaObj{"requestBody": oaObj{"required": true, "content": oaObj{"multipart/form-data": oaObj{"schema": oaObj{
					"type": "object", "required": []any{"file"},
					"properties": oaObj{"file": oaObj{"type": "string", "format": "binary",
						"description": "The file; its file name (without a path, spaces as hyphens) names it in the article."}}}}}}}),
		},
		"/api/v1/articles/{number}/files/{name}": oaObj{
			"parameters": append(numberPath, oaObj{"name": "name", "in": "path", "required": true, "description": "File name.", "schema": oaObj{"type": "string"}}),
			"delete": oaOp("articles", "removeArticleFile", "Remove a file of an article (needs `knowledge.write` and an article the caller may read). "+
				"A file a version of the article shows or links stays (field `name`, code `file_in_use`), so every version can still be viewed with its images.", oaStaff,
				oaObj{"204": oaObj{"description": "Removed; its content leaves the storage with the next hourly purge."}, "403": oaError(webkit.CodeForbidden),
					"404": oaError(webkit.CodeNotFound), "422": oaError("validation_failed")}, nil),
			"get": oaOp("articles", "getArticleFile", "A file of an article the caller may read: an image inline, a PDF as a download. "+
				"The images of an article's `html` point here.", oaOptional,
				oaObj{"200": oaObj{"description": "The file.", "content": oaObj{"image/*": oaObj{"schema": oaObj{"type": "string", "format": "binary"}},
					"application/pdf": oaObj{"schema": oaObj{"type": "string", "format": "binary"}}}}, "404": oaError(webkit.CodeNotFound)}, nil),
		},
		"/api/v1/articles/{number}/versions": oaObj{
			"parameters": numberPath,
			"get": oaOp("articles", "listArticleVersions", "Every version of an article with author and time", oaStaff,
				oaObj{"200": oaOK("The versions, newest first.", oaRef("ArticleVersions")), "404": oaError(webkit.CodeNotFound)}, nil),
		},
		"/api/v1/articles/{number}/diff": oaObj{
			"parameters": numberPath,
			"get": oaOp("articles", "diffArticleVersions", "The differences between two versions, line by line", oaStaff,
				oaObj{"200": oaOK("The parts that differ.", oaRef("ArticleDiff")), "400": oaError(webkit.CodeBadRequest), "404": oaError(webkit.CodeNotFound)},
				oaObj{"parameters": []any{oaParam("AcceptLanguage"), integer("from", "The older version."), integer("to", "The newer version.")}}),
		},
	}
}

// articleCountsProps are the counts of an article (knowledge.Counts) with
// the properties more.
func articleCountsProps(more oaObj) oaObj {
	p := oaObj{
		"shown":     oaObj{"type": "integer", "description": "Request forms on the portal beside which it was offered (once per form)."},
		"submitted": oaObj{"type": "integer", "description": "Of those, forms sent anyway within two hours of the first offer."},
		"left":      oaObj{"type": "integer", "description": "Of those, forms not sent within two hours: the citizen left without submitting. shown minus submitted minus left are forms still open."},
		"used":      oaObj{"type": "integer", "description": "Public replies that held its portal address."},
	}
	for k, v := range more {
		p[k] = v
	}
	return p
}
