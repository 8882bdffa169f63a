package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// openapiHandler serves GET /api/v1/openapi.json: an OpenAPI 3.1 document of
// the JSON API generated from the catalog in service. Every process gets a
// typed create request (components.schemas.<process>-create) whose data is
// its form's JSON Schema, and every transition with a form a typed body
// (components.schemas.<process>.<transition>-transition).
//
// The document is built once per catalog version: it is kept with the
// catalog hash and rebuilt when a reload changes the hash.
type openapiHandler struct {
	deps Deps

	mu  sync.Mutex
	doc *openapiDoc // the document last built
}

type openapiDoc struct {
	hash string // catalog hash the document describes
	body []byte
}

func newOpenAPI(d Deps) *openapiHandler { return &openapiHandler{deps: d} }

// serve answers with the document of the catalog in service. It needs no
// credentials: the document describes the catalog, no tickets.
func (h *openapiHandler) serve(c *fiber.Ctx) error {
	body, err := h.document(h.deps.Catalog())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// document returns the cached document of cat, building it on the first
// request after a catalog change. Concurrent first requests wait for one
// build.
func (h *openapiHandler) document(cat *definition.Catalog) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.doc != nil && h.doc.hash == cat.Hash() {
		return h.doc.body, nil
	}
	body, err := buildOpenAPI(cat, func(form string) ([]byte, error) {
		return h.deps.Engine.FormSchema(cat, form)
	}, h.deps.Assets != nil, h.deps.Knowledge != nil)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	h.doc = &openapiDoc{hash: cat.Hash(), body: body}
	return body, nil
}

// oaObj is one JSON object of the document. encoding/json writes map keys
// sorted, so the same catalog always gives the same bytes.
type oaObj = map[string]any

// buildOpenAPI renders the document for cat; formSchema returns the JSON
// Schema (draft 2020-12) of a form of cat.
func buildOpenAPI(cat *definition.Catalog, formSchema func(form string) ([]byte, error), withAssets, withKnowledge bool) ([]byte, error) {
	schemas := oaStaticSchemas()
	var priorities []any
	for _, prio := range cat.Priorities() {
		priorities = append(priorities, prio)
	}
	schemas["Priority"] = oaObj{"type": "string", "enum": priorities}
	var creates, transitionBodies []any
	mapping := oaObj{}
	var processIDs, transitionIDs []string
	seenTransition := map[string]bool{}

	for _, p := range cat.Processes() {
		id := p.ID.Value
		processIDs = append(processIDs, id)

		name := id + "-create"
		data, dataRequired, err := oaFormSchema(formSchema, p.Form.Value, oaSchemaPointer(name)+"/properties/data")
		if err != nil {
			return nil, fmt.Errorf("process %s: %w", id, err)
		}
		required := []any{"process"}
		if dataRequired {
			required = append(required, "data")
		}
		schemas[name] = oaObj{
			"type":        "object",
			"title":       p.Title.De,
			"description": fmt.Sprintf("Opens a ticket of process `%s`; `data` is its form `%s`.", id, p.Form.Value),
			"required":    required,
			"properties": oaObj{
				"process": oaObj{"type": "string", "const": id},
				"title":   oaObj{"type": "string", "description": "Ticket title; by default the form's summary or title field."},
				"data":    data,
			},
			"x-vorgang-process": id,
		}
		creates = append(creates, oaRef(name))
		mapping[id] = "#/components/schemas/" + name

		for i := range p.Transitions {
			t := &p.Transitions[i]
			if !seenTransition[t.ID.Value] {
				seenTransition[t.ID.Value] = true
				transitionIDs = append(transitionIDs, t.ID.Value)
			}
			if t.Form.IsZero() {
				continue
			}
			name := id + "." + t.ID.Value + "-transition"
			data, dataRequired, err := oaFormSchema(formSchema, t.Form.Value, oaSchemaPointer(name)+"/properties/data")
			if err != nil {
				return nil, fmt.Errorf("process %s, transition %s: %w", id, t.ID.Value, err)
			}
			schemas[name] = oaTransitionBody(p, t, data, dataRequired)
			transitionBodies = append(transitionBodies, oaRef(name))
		}
	}
	sort.Strings(transitionIDs)

	// A create request is exactly one of the processes' requests, told
	// apart by "process".
	var createBody any = oaObj{"oneOf": creates, "discriminator": oaObj{"propertyName": "process", "mapping": mapping}}
	if len(creates) == 0 {
		// oneOf must not be empty.
		createBody = oaObj{
			"type":       "object",
			"required":   []any{"process"},
			"properties": oaObj{"process": oaObj{"type": "string"}, "title": oaObj{"type": "string"}, "data": oaObj{"type": "object"}},
		}
	}
	// A transition body depends on the ticket's process and the transition
	// in the path, neither of which the body names: the typed bodies are
	// alternatives for the reader, not exclusive.
	transitionBody := any(oaRef("TransitionRequest"))
	if len(transitionBodies) > 0 {
		transitionBody = oaObj{"anyOf": append(transitionBodies, oaRef("TransitionRequest"))}
	}

	paths := oaPaths(createBody, transitionBody, processIDs, transitionIDs)
	tags := []any{
		oaObj{"name": "system", "description": "Health and this document."},
		oaObj{"name": "auth", "description": "Sessions and the caller."},
		oaObj{"name": "processes", "description": "Processes and their forms."},
		oaObj{"name": "tickets", "description": "Tickets: open, read, list, move, comment, approve, assign."},
	}
	for k, v := range oaUserPaths() {
		paths[k] = v
	}
	for k, v := range oaUserSchemas() {
		schemas[k] = v
	}
	for k, v := range oaOutboxPaths() {
		paths[k] = v
	}
	for k, v := range oaOutboxSchemas() {
		schemas[k] = v
	}
	for k, v := range oaReportPaths() {
		paths[k] = v
	}
	for k, v := range oaReportSchemas() {
		schemas[k] = v
	}
	tags = append(tags, oaObj{"name": "reports", "description": "SLA and weekly reports (`report.read`)."})
	tags = append(tags, oaObj{"name": "outbox", "description": "Queued, retrying and failed deliveries, their retry and discard; a webhook's test delivery (administrators)."})
	for k, v := range oaPrivacyPaths() {
		paths[k] = v
	}
	for k, v := range oaPrivacySchemas() {
		schemas[k] = v
	}
	tags = append(tags, oaObj{"name": "users", "description": "User administration and its audit log (administrators)."},
		oaObj{"name": "account", "description": "The caller's own password and API tokens; setting a password with a reset link."},
		oaObj{"name": "privacy", "description": "Data subjects' requests and legal hold (privacy.manage); see docs/privacy.md."})
	if withAssets {
		for k, v := range oaAssetPaths() {
			paths[k] = v
		}
		for k, v := range oaAssetSchemas() {
			schemas[k] = v
		}
		tags = append(tags, oaObj{"name": "assets", "description": "The asset register: classes, records, CSV import and export, linked tickets."})
	}
	if withKnowledge {
		for k, v := range oaArticlePaths() {
			paths[k] = v
		}
		for k, v := range oaArticleSchemas() {
			schemas[k] = v
		}
		tags = append(tags, oaObj{"name": "articles", "description": "The knowledge base: articles in German and English, their versions and review dates."})
	}

	doc := oaObj{
		"openapi": "3.1.0",
		"info": oaObj{
			"title":   "vorgang API",
			"version": "v1",
			"description": "The JSON API of vorgang under /api/v1, generated from the catalog in service. " +
				"Each process has a typed create request (`<process>-create`) whose `data` is its form's JSON Schema; " +
				"each transition with a form has a typed body (`<process>.<transition>-transition`). " +
				"Messages follow `Accept-Language` (German by default, English with `en`).",
			"x-vorgang-catalog": cat.Hash(),
		},
		"tags":     tags,
		"servers":  []any{oaObj{"url": "/"}},
		"security": oaStaff,
		"paths":    paths,
		"components": oaObj{
			"schemas":         schemas,
			"securitySchemes": oaSecuritySchemes(),
			"parameters":      oaParameters(transitionIDs),
			"headers":         oaHeaders(),
			"responses": oaObj{
				"Error": oaObj{
					"description": "Any other error, e.g. `internal` (500) or `body_too_large` (413).",
					"headers":     oaObj{"X-Request-ID": oaObj{"$ref": "#/components/headers/RequestID"}},
					"content":     oaJSON(oaRef("Error")),
				},
			},
		},
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// oaTransitionBody is the typed request body of a transition with a form.
func oaTransitionBody(p *definition.Process, t *definition.Transition, data any, dataRequired bool) oaObj {
	comment := oaObj{"type": "string", "description": "Comment recorded with the transition."}
	var required []any
	if dataRequired {
		required = append(required, "data")
	}
	if t.Comment == "required" {
		comment["pattern"] = `\S`
		comment["description"] = "Comment recorded with the transition; required."
		required = append(required, "comment")
	}
	from := make([]string, len(t.From))
	for i, f := range t.From {
		from[i] = f.Value
	}
	desc := fmt.Sprintf("Body of transition `%s` of process `%s` (%s → %s); `data` is its form `%s`.",
		t.ID.Value, p.ID.Value, strings.Join(from, ", "), t.To.Value, t.Form.Value)
	if t.ToPrevious() {
		desc += " `$previous`: back to the state the ticket was in before its current one."
	}
	if t.Approval != nil {
		desc += " The transition needs approval: it records a pending approval instead of moving the ticket."
	}
	s := oaObj{
		"type":        "object",
		"title":       t.Title.De,
		"description": desc,
		"properties": oaObj{
			"version":  oaRef("Version"),
			"comment":  comment,
			"internal": oaRef("InternalComment"),
			"data":     data,
		},
		"x-vorgang-process":    p.ID.Value,
		"x-vorgang-transition": t.ID.Value,
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// oaFormSchema returns a form's JSON Schema ready to sit at ptr in the
// document, and whether the form has fields every submission must fill.
func oaFormSchema(formSchema func(string) ([]byte, error), form, ptr string) (any, bool, error) {
	raw, err := formSchema(form)
	if err != nil {
		return nil, false, err
	}
	s, err := embedSchema(raw, ptr)
	if err != nil {
		return nil, false, fmt.Errorf("form %s: %w", form, err)
	}
	m, _ := s.(map[string]any)
	req, _ := m["required"].([]any)
	return s, len(req) > 0, nil
}

// Security requirements: staff endpoints need a token or the session
// cookie; some endpoints also serve anonymous callers.
var (
	oaStaff    = []any{oaObj{"bearerAuth": []any{}}, oaObj{"cookieAuth": []any{}}}
	oaOptional = []any{oaObj{}, oaObj{"bearerAuth": []any{}}, oaObj{"cookieAuth": []any{}}}
	oaPublic   = []any{}
)

func oaSecuritySchemes() oaObj {
	return oaObj{
		"bearerAuth": oaObj{
			"type":   "http",
			"scheme": "bearer",
			"description": "An API token (`vg_…`, e.g. from `vorgang user create NAME --token`) " +
				"or a session token from `POST /api/v1/login`.",
		},
		"cookieAuth": oaObj{
			"type":        "apiKey",
			"in":          "cookie",
			"name":        webkit.SessionCookie,
			"description": "The session cookie `POST /api/v1/login` sets (HttpOnly, SameSite=Lax).",
		},
	}
}

func oaParameters(transitionIDs []string) oaObj {
	transition := oaObj{"type": "string"}
	if len(transitionIDs) > 0 {
		transition["enum"] = toAnys(transitionIDs)
	}
	return oaObj{
		"AcceptLanguage": oaObj{
			"name": "Accept-Language", "in": "header",
			"description": "Language of messages: German by default, English with `en`.",
			"schema":      oaObj{"type": "string", "examples": []any{"en", "de"}},
		},
		"Number": oaObj{
			"name": "number", "in": "path", "required": true,
			"description": "Ticket number.",
			"schema":      oaObj{"type": "string", "examples": []any{"INC-2026-000123"}},
		},
		"Transition": oaObj{
			"name": "transition", "in": "path", "required": true,
			"description": "Transition id of the ticket's process.",
			"schema":      transition,
		},
		"IdempotencyKey": oaObj{
			"name": "Idempotency-Key", "in": "header",
			"description": "A retry of the same request with the same key (by the same caller) returns the first ticket instead of opening another; another request under a used key is refused (422 `idempotency_key_reused`). Anonymous callers use keys of at least 16 characters.",
			"schema":      oaObj{"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
		},
	}
}

func oaHeaders() oaObj {
	return oaObj{
		"RequestID": oaObj{
			"description": "Id of the request; the server's log names it with the cause of an error.",
			"schema":      oaObj{"type": "string"},
		},
		"RetryAfter": oaObj{
			"description": "Seconds to wait before retrying.",
			"schema":      oaObj{"type": "integer", "minimum": 0},
		},
	}
}

// oaErrorCodes explains each error code an endpoint may answer with.
var oaErrorCodes = map[string]string{
	webkit.CodeBadRequest:            "malformed request",
	"invalid_json":                   "the body is not valid JSON",
	webkit.CodeUnauthorized:          "no or bad credentials where they are needed",
	"invalid_credentials":            "wrong name or password",
	webkit.CodeDirectoryUnavailable:  "the directory that checks this login cannot be reached; retry after `Retry-After` seconds (local accounts still sign in)",
	webkit.CodeForbidden:             "the caller may not do this (open the process, run the transition, …)",
	webkit.CodeNotFound:              "no such ticket, process or transition, or one the caller may not see",
	webkit.CodeConflict:              "the ticket changed since `version`",
	"in_progress":                    "a request with the same `Idempotency-Key` is still running; retry after `Retry-After` seconds",
	"unsupported_media_type":         "the body is not JSON",
	webkit.CodeUnsupportedEncoding:   "the body was sent compressed (`Content-Encoding`); only `identity` is accepted",
	"validation_failed":              "data invalid; `fields` names each field with a stable code",
	webkit.CodeDirectoryManaged:      "the directory (LDAP/Active Directory) manages this user's password",
	webkit.CodeResetLinkInvalid:      "the password link is unknown, used, expired or replaced",
	webkit.CodeUserExists:            "a user with the name exists",
	"import_failed":                  "the file has bad rows; nothing was written; `fields` names each as `LINE:COLUMN` with a stable code",
	"not_allowed_now":                "not possible in the ticket's current state",
	webkit.CodeTooManyRequests:       "too many requests from this address; retry after `Retry-After` seconds",
	webkit.CodeLoginThrottled:        "too many failed logins; retry after `Retry-After` seconds",
	auth.CodeOTPRequired:             "the account signs in with two-factor sign-in: send the current code in `otp`",
	auth.CodeInvalidOTP:              "the code in `otp` is wrong, or was used already; counts as a failed login",
	webkit.CodeTwoFactorDue:          "a role of the user requires two-factor sign-in, which they have not set up yet: they set it up in the browser at `/app/two-factor` first",
	webkit.CodeAnonymousAPIClosed:    "the process takes requests without an account through the portal's form only",
	webkit.CodeInvalidIdempotencyKey: "the `Idempotency-Key` is not 1 to 255 printable ASCII characters without spaces",
	webkit.CodeKeyReused:             "the `Idempotency-Key` was used for a different request",
	webkit.CodeInsufficientStorage:   "the database's disk is full; nothing was changed; retry after `Retry-After` seconds",

	knowledge.CodeOwnVersion:        "the caller wrote the waiting version; someone else approves it",
	knowledge.CodeReviewerRole:      "the article's category is reviewed by holders of `params.role`",
	knowledge.CodeNothingPending:    "no version of the article waits for approval",
	engine.ReasonRoleRequired:       "the caller holds none of the roles `params.roles`",
	engine.ReasonTeamRequired:       "the transition is for members of `params.team` who work tickets",
	engine.ReasonPermissionRequired: "the caller lacks `params.permission`",
	engine.ReasonStateMismatch:      "the transition does not start from `params.state`, only from `params.from`",
	engine.ReasonApprovalPending:    "the ticket waits for the approval of `params.step` for `params.transition`",
	engine.ReasonGuardFailed:        "the transition's guard does not hold for `params.field`",
	engine.ReasonRuleRefused:        "the transition's guard script `params.script` refused, saying `params.message`",
	engine.ReasonNoManager:          "the approval needs the manager of `params.requester`, and none is on record",
	engine.ReasonNoApprovalLevel:    "no level of the approval chain covers `params.amount`",
	engine.ReasonNoApprovalPending:  "the ticket waits for no approval",
	engine.ReasonApprovalDropped:    "the pending `params.transition` no longer needs an approval",
	engine.ReasonSelfApproval:       "the requester never decides a step of their own ticket",
	engine.ReasonAlreadyApproved:    "the caller approved an earlier step; `params.step` is for someone else",
	engine.ReasonProcessUndefined:   "the ticket's `params.process` is no longer defined",
	engine.ReasonStateUndefined:     "the transition leads to `params.state`, which is no longer defined",
	engine.ReasonNoPreviousState:    "the transition goes back to the previous state, and the ticket has been in `params.state` since it was opened",
}

// Reason codes of the refusals of transitions and decisions, by status.
var (
	oaTransitionForbidden = []string{engine.ReasonRoleRequired, engine.ReasonTeamRequired, engine.ReasonPermissionRequired}
	oaTransitionNotNow    = []string{"validation_failed", engine.ReasonStateMismatch, engine.ReasonApprovalPending, engine.ReasonGuardFailed,
		engine.ReasonRuleRefused, engine.ReasonNoManager, engine.ReasonNoApprovalLevel, engine.ReasonProcessUndefined, engine.ReasonStateUndefined, engine.ReasonNoPreviousState}
	oaDecisionForbidden = []string{engine.ReasonRoleRequired, engine.ReasonSelfApproval, engine.ReasonAlreadyApproved}
	oaDecisionNotNow    = []string{"validation_failed", engine.ReasonNoApprovalPending, engine.ReasonApprovalDropped}
)

// oaError is an error response carrying the envelope with one of codes.
func oaError(codes ...string) oaObj {
	parts := make([]string, len(codes))
	retry := false
	for i, c := range codes {
		parts[i] = fmt.Sprintf("`%s`: %s", c, oaErrorCodes[c])
		retry = retry || c == "in_progress" || c == webkit.CodeTooManyRequests || c == webkit.CodeLoginThrottled || c == webkit.CodeInsufficientStorage || c == webkit.CodeDirectoryUnavailable
	}
	headers := oaObj{"X-Request-ID": oaObj{"$ref": "#/components/headers/RequestID"}}
	if retry {
		headers["Retry-After"] = oaObj{"$ref": "#/components/headers/RetryAfter"}
	}
	return oaObj{
		"description": strings.Join(parts, "; ") + ".",
		"headers":     headers,
		"content":     oaJSON(oaRef("Error")),
	}
}

func oaOK(description string, schema any) oaObj {
	return oaObj{"description": description, "content": oaJSON(schema)}
}

func oaJSON(schema any) oaObj {
	return oaObj{fiber.MIMEApplicationJSON: oaObj{"schema": schema}}
}

func oaBody(schema any, required bool) oaObj {
	return oaObj{"required": required, "content": oaJSON(schema)}
}

func oaRef(name string) oaObj { return oaObj{"$ref": "#/components/schemas/" + name} }

func oaParam(name string) oaObj { return oaObj{"$ref": "#/components/parameters/" + name} }

// oaOp is one operation; every operation under /api/v1 follows
// Accept-Language and may meet bad credentials (401) or an unexpected
// error.
func oaOp(tag, id, summary string, security []any, responses oaObj, extra oaObj) oaObj {
	op := oaObj{
		"tags":        []any{tag},
		"operationId": id,
		"summary":     summary,
		"parameters":  []any{oaParam("AcceptLanguage")},
		"responses":   responses,
	}
	if security != nil {
		op["security"] = security
	}
	if _, ok := responses["401"]; !ok {
		responses["401"] = oaError(webkit.CodeUnauthorized)
	}
	responses["default"] = oaObj{"$ref": "#/components/responses/Error"}
	for k, v := range extra {
		op[k] = v
	}
	return op
}

func oaPaths(createBody, transitionBody any, processIDs, transitionIDs []string) oaObj {
	ticket := oaOK("The ticket.", oaRef("Ticket"))
	bodyErrors := func(r oaObj, more400 ...string) oaObj {
		r["400"] = oaError(append([]string{webkit.CodeBadRequest, "invalid_json"}, more400...)...)
		r["415"] = oaError("unsupported_media_type", webkit.CodeUnsupportedEncoding)
		return r
	}
	processFilter := oaObj{"type": "string"}
	if len(processIDs) > 0 {
		processFilter["enum"] = toAnys(processIDs)
	}
	commaList := func(name, description string, items oaObj) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "style": "form", "explode": false,
			"schema": oaObj{"type": "array", "items": items}}
	}
	numberPath := []any{oaParam("Number")}

	return oaObj{
		"/healthz": oaObj{"get": oaObj{
			"tags": []any{"system"}, "operationId": "getHealth", "security": oaPublic,
			"summary": "Store reachable, catalog version",
			"responses": oaObj{
				"200": oaOK("The store answers.", oaRef("Health")),
				"503": oaOK("The store does not answer.", oaRef("Health")),
			},
		}},
		"/readyz": oaObj{"get": oaObj{
			"tags": []any{"system"}, "operationId": "getReady", "security": oaPublic,
			"summary": "Ready for requests: the store answers and takes writes",
			"responses": oaObj{
				"200": oaOK("Ready.", oaRef("Ready")),
				"503": oaOK("Not ready; `reason` says why (`disk_full`: the database's disk is full).", oaRef("Ready")),
			},
		}},
		"/api/v1/openapi.json": oaObj{"get": oaOp("system", "getOpenAPI",
			"This document, generated from the catalog in service", oaPublic,
			oaObj{"200": oaOK("The OpenAPI 3.1 document.", oaObj{"type": "object"})}, nil)},
		"/api/v1/login": oaObj{"post": oaOp("auth", "login", "Start a session", oaPublic,
			bodyErrors(oaObj{
				"200": oaObj{
					"description": "Signed in; the session token is also set as the `vorgang_session` cookie.",
					"headers":     oaObj{"Set-Cookie": oaObj{"schema": oaObj{"type": "string"}}},
					"content":     oaJSON(oaRef("Session")),
				},
				"401": oaError(webkit.CodeUnauthorized, "invalid_credentials", auth.CodeOTPRequired, auth.CodeInvalidOTP),
				"429": oaError(webkit.CodeLoginThrottled),
				"503": oaError(webkit.CodeDirectoryUnavailable),
			}),
			oaObj{
				"description": "Failed logins slow down further attempts (per account and address, per account, per address); a login refused while a wait is due answers 429 with `Retry-After`. " +
					"A local account with two-factor sign-in needs the current code (or a recovery code) in `otp`: without it the answer is 401 `otp_required`, with a wrong or reused one 401 `invalid_otp` (counted like a wrong password); both name the field `otp` in `fields`.",
				"requestBody": oaBody(oaRef("LoginRequest"), true),
			})},
		"/api/v1/logout": oaObj{"post": oaOp("auth", "logout", "End the session of the cookie",
			[]any{oaObj{"cookieAuth": []any{}}, oaObj{}},
			oaObj{"204": oaObj{"description": "Signed out; the cookie is cleared."}}, nil)},
		"/api/v1/search": oaObj{"get": oaOp("tickets", "searchTickets", "Full-text search of the tickets the caller may see", nil,
			oaObj{
				"200": oaOK("One page of hits, best first.", oaRef("SearchResult")),
				"400": oaError(webkit.CodeBadRequest),
				"401": oaError(webkit.CodeUnauthorized),
				"403": oaError(webkit.CodeForbidden),
				"503": oaError(webkit.CodeUnavailable),
			},
			oaObj{
				"description": "Words and \"phrases\" in titles, form data and comments (internal comments only for those who may read them), in German and English (stemming, umlauts and ß folded). The caller's permissions are part of the query: hits, totals and snippets hold only what the caller may see. See docs/search.md.",
				"parameters": []any{
					oaObj{"name": "q", "in": "query", "description": "Words and \"phrases\"; every one must occur. A ticket number finds its ticket.", "schema": oaObj{"type": "string"}},
					oaObj{"name": "process", "in": "query", "description": "Only tickets of this process.", "schema": oaObj{"type": "string"}},
					oaObj{"name": "state", "in": "query", "description": "Only tickets in this state.", "schema": oaObj{"type": "string"}},
					oaObj{"name": "team", "in": "query", "description": "Only tickets of this team.", "schema": oaObj{"type": "string"}},
					oaObj{"name": "created_from", "in": "query", "description": "Created at or after (a date or an RFC 3339 time).", "schema": oaObj{"type": "string"}},
					oaObj{"name": "created_to", "in": "query", "description": "Created before (a date or an RFC 3339 time).", "schema": oaObj{"type": "string"}},
					oaObj{"name": "offset", "in": "query", "description": "Hits to skip.", "schema": oaObj{"type": "integer", "minimum": 0}},
					oaObj{"name": "limit", "in": "query", "description": "Hits per page (default 20, at most 100).", "schema": oaObj{"type": "integer", "minimum": 0, "maximum": 100}},
				},
			})},
		"/api/v1/me": oaObj{"get": oaOp("auth", "getMe", "The caller: user, roles, teams", nil,
			oaObj{"200": oaOK("The caller.", oaRef("Me"))}, nil)},
		"/api/v1/processes": oaObj{"get": oaOp("processes", "listProcesses",
			"Processes the caller may open, each with its form's JSON Schema", oaOptional,
			oaObj{"200": oaOK("The processes.", oaRef("ProcessList"))}, nil)},
		"/api/v1/tickets": oaObj{
			"post": oaOp("tickets", "createTicket", "Open a ticket", oaOptional,
				bodyErrors(oaObj{
					"201": oaObj{
						"description": "The ticket (for an anonymous caller: its number and tracking link); a retry with the same `Idempotency-Key` and the same request returns the first one.",
						"headers":     oaObj{"Location": oaObj{"description": "The ticket's address (for an anonymous caller: the tracking link).", "schema": oaObj{"type": "string"}}},
						"content":     oaJSON(oaObj{"oneOf": []any{oaRef("Ticket"), oaRef("CitizenReceipt")}}),
					},
					"401": oaError(webkit.CodeUnauthorized),
					"403": oaError(webkit.CodeForbidden, webkit.CodeAnonymousAPIClosed),
					"404": oaError(webkit.CodeNotFound),
					"409": oaError("in_progress"),
					"422": oaError("validation_failed", webkit.CodeKeyReused),
					"429": oaError(webkit.CodeTooManyRequests),
					"507": oaError(webkit.CodeInsufficientStorage),
				}, webkit.CodeInvalidIdempotencyKey),
				oaObj{
					"description": "Anonymous callers may only open tickets of processes whose audience includes `citizen` and that set `anonymous_api: true`; " +
						"their creates share the portal's limit of posts per address and minute.",
					"parameters":  []any{oaParam("AcceptLanguage"), oaParam("IdempotencyKey")},
					"requestBody": oaBody(createBody, true),
				}),
			"get": oaOp("tickets", "listTickets", "Open tickets sorted by due time", nil,
				oaObj{
					"200": oaOK("One page of tickets.", oaRef("TicketList")),
					"400": oaError(webkit.CodeBadRequest),
					"403": oaError(webkit.CodeForbidden),
				},
				oaObj{
					"description": "One of `team`, `assignee` and `requester` selects the list; without any, the caller's own requests.",
					"parameters": []any{
						oaParam("AcceptLanguage"),
						oaObj{"name": "team", "in": "query", "description": "Tickets of a team (needs membership and `ticket.read_team`).", "schema": oaObj{"type": "string"}},
						oaObj{"name": "assignee", "in": "query", "description": "Tickets assigned to a user; `me` for the caller.", "schema": oaObj{"type": "string"}},
						oaObj{"name": "requester", "in": "query", "description": "Tickets requested by a user; `me` for the caller.", "schema": oaObj{"type": "string"}},
						commaList("state", "States, comma-separated.", oaObj{"type": "string"}),
						commaList("priority", "Priorities, comma-separated.", oaRef("Priority")),
						oaObj{"name": "process", "in": "query", "description": "Only tickets of this process.", "schema": processFilter},
						oaObj{"name": "q", "in": "query", "description": "A piece of the title, matched case-insensitively.", "schema": oaObj{"type": "string"}},
						oaObj{"name": "status", "in": "query", "description": "`open` (default; sorted by due time) or `closed` (resolved, closed and cancelled tickets, by number).", "schema": oaObj{"type": "string", "enum": []any{"open", "closed"}, "default": "open"}},
						oaObj{"name": "limit", "in": "query", "description": "Page size; larger values are capped at 200.", "schema": oaObj{"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
						oaObj{"name": "after", "in": "query", "description": "The previous page's `next`.", "schema": oaObj{"type": "string"}},
					},
				}),
		},
		"/api/v1/track/{token}": oaObj{
			"parameters": []any{oaObj{"name": "token", "in": "path", "required": true,
				"description": "The secret of the requester's tracking link (`/portal/track/{token}`).",
				"schema":      oaObj{"type": "string", "pattern": "^[A-Z2-7]{26}$"}}},
			"get": oaOp("tickets", "getTracked", "A request as its tracking link shows it", oaPublic,
				oaObj{"200": oaOK("What the tracking page shows: number, service, public state, the public fields (`data`, labelled in `fields`) and the public timeline; never internal fields or comments.",
					oaObj{"type": "object", "required": []any{"number", "process", "state", "created", "data", "fields", "timeline"},
						"properties": oaObj{
							"number": oaObj{"type": "string"}, "process": oaObj{"type": "string"}, "state": oaObj{"type": "string"},
							"created": oaObj{"type": "string", "format": "date-time"}, "data": oaObj{"type": "object"},
							"fields": oaObj{"type": "array", "items": oaObj{"type": "object", "properties": oaObj{
								"id": oaObj{"type": "string"}, "label": oaObj{"type": "string"}}}},
							"timeline": oaObj{"type": "array", "items": oaObj{"type": "object"}},
						}}),
					"404": oaError(webkit.CodeNotFound)}, nil),
		},
		"/api/v1/tickets/{number}": oaObj{
			"parameters": numberPath,
			"get": oaOp("tickets", "getTicket", "The ticket with its history", nil,
				oaObj{"200": oaOK("The ticket with its history (internal comments only for staff with `ticket.comment_internal`).", oaRef("Ticket")),
					"404": oaError(webkit.CodeNotFound)}, nil),
		},
		"/api/v1/tickets/{number}/transitions/{transition}": oaObj{
			"parameters": []any{oaParam("Number"), oaParam("Transition")},
			"post": oaOp("tickets", "runTransition", "Run a transition", nil,
				bodyErrors(oaObj{
					"200": ticket, "403": oaError(oaTransitionForbidden...), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict), "422": oaError(oaTransitionNotNow...),
				}),
				oaObj{
					"description": "The body's `data` is the transition's form: see the `<process>.<transition>-transition` schemas. " +
						"A transition with an approval records a pending approval instead of moving the ticket.",
					"requestBody": oaBody(transitionBody, false),
				}),
		},
		"/api/v1/tickets/{number}/comments": oaObj{
			"parameters": numberPath,
			"post": oaOp("tickets", "addComment", "Comment on the ticket", nil,
				bodyErrors(oaObj{
					"201": oaOK("The ticket.", oaRef("Ticket")), "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict), "422": oaError("validation_failed"),
				}),
				oaObj{"requestBody": oaBody(oaRef("CommentRequest"), true)}),
		},
		"/api/v1/tickets/{number}/approve": oaObj{
			"parameters": numberPath,
			"post": oaOp("tickets", "approveTicket", "Approve the step a pending approval waits for", nil,
				bodyErrors(oaObj{
					"200": ticket, "403": oaError(oaDecisionForbidden...), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict), "422": oaError(oaDecisionNotNow...),
				}),
				oaObj{
					"description": "The last approval runs the transition. Without `version`, an approval that meets a concurrent change is tried again on the new version.",
					"requestBody": oaBody(oaRef("ApproveRequest"), false),
				}),
		},
		"/api/v1/tickets/{number}/reject": oaObj{
			"parameters": numberPath,
			"post": oaOp("tickets", "rejectTicket", "Reject the pending approval", nil,
				bodyErrors(oaObj{
					"200": ticket, "403": oaError(oaDecisionForbidden...), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict), "422": oaError(oaDecisionNotNow...),
				}),
				oaObj{
					"description": "Moves the ticket to the approval's `reject_to` state.",
					"requestBody": oaBody(oaRef("RejectRequest"), true),
				}),
		},
		"/api/v1/tickets/{number}/assign": oaObj{
			"parameters": numberPath,
			"post": oaOp("tickets", "assignTicket", "Assign the ticket", nil,
				bodyErrors(oaObj{
					"200": ticket, "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound),
					"409": oaError(webkit.CodeConflict),
				}),
				oaObj{
					"description": "Needs `ticket.assign`, or take an unassigned ticket of your team yourself.",
					"requestBody": oaBody(oaRef("AssignRequest"), true),
				}),
		},
	}
}

// oaStaticSchemas are the schemas that do not depend on the catalog.
func oaStaticSchemas() oaObj {
	str := oaObj{"type": "string"}
	strs := oaObj{"type": []any{"array", "null"}, "items": str}
	dateTime := oaObj{"type": "string", "format": "date-time"}
	due := oaObj{"type": []any{"string", "null"}, "format": "date-time", "description": "Next SLA deadline; null when none runs."}
	object := oaObj{"type": []any{"object", "null"}}
	return oaObj{
		"Error": oaObj{
			"type":     "object",
			"required": []any{"error"},
			"properties": oaObj{"error": oaObj{
				"type":     "object",
				"required": []any{"status", "code", "message"},
				"properties": oaObj{
					"status":  oaObj{"type": "integer", "description": "The HTTP status."},
					"code":    oaObj{"type": "string", "description": "Stable snake_case code webkit.Clients may branch on."},
					"message": oaObj{"type": "string", "description": "For people, in the caller's language; may change."},
					"fields":  oaObj{"type": "array", "items": oaRef("FieldError")},
					"params": oaObj{"type": "object", "description": "A refusal's parameters, named by its reason code (e.g. `approval_pending`: `step`, `transition`); values are strings or lists of strings.",
						"additionalProperties": oaObj{"oneOf": []any{oaObj{"type": "string"}, oaObj{"type": "array", "items": oaObj{"type": "string"}}}}},
				},
			}},
		},
		"FieldError": oaObj{
			"type":     "object",
			"required": []any{"field", "code", "message"},
			"properties": oaObj{
				"field":   oaObj{"type": "string", "description": "Field id; `group.field` inside a repeating group."},
				"code":    oaObj{"type": "string", "description": "Stable code, e.g. `required`, `too_short`."},
				"message": str,
			},
		},
		"Version": oaObj{
			"type": "integer", "minimum": 0,
			"description": "The ticket version the caller saw; if the ticket changed since, the request fails with 409. Omit or 0 to skip the check.",
		},
		"Health": oaObj{
			"type":     "object",
			"required": []any{"status", "store"},
			"properties": oaObj{
				"status": oaObj{"type": "string", "enum": []any{"ok", "unavailable"}},
				"store": oaObj{"type": "object", "required": []any{"reachable"}, "properties": oaObj{
					"reachable": oaObj{"type": "boolean"},
					"mode":      str,
					"reason":    oaObj{"type": "string", "enum": []any{webkit.ReasonNotConfigured, webkit.ReasonTimeout, webkit.ReasonPingFailed}},
				}},
				"catalog": oaObj{"type": "object", "properties": oaObj{
					"hash":        str,
					"definitions": oaObj{"type": "integer"},
					"loaded_at":   dateTime,
				}},
			},
		},
		"Ready": oaObj{
			"type":     "object",
			"required": []any{"status"},
			"properties": oaObj{
				"status": oaObj{"type": "string", "enum": []any{"ready", "not_ready"}},
				"reason": oaObj{"type": "string", "enum": []any{webkit.ReasonNotConfigured, webkit.ReasonTimeout, webkit.ReasonPingFailed, webkit.ReasonDiskFull, webkit.ReasonWriteFailed}},
			},
		},
		"CitizenReceipt": oaObj{
			"type":        "object",
			"description": "What an anonymous create answers, also on a retry: the number and the tracking link of the request, no data.",
			"required":    []any{"number", "process", "tracking"},
			"properties":  oaObj{"number": str, "process": str, "tracking": oaObj{"type": "string", "format": "uri"}},
		},
		"LoginRequest": oaObj{
			"type":     "object",
			"required": []any{"name", "password"},
			"properties": oaObj{"name": str, "password": oaObj{"type": "string", "format": "password"},
				"otp": oaObj{"type": "string", "description": "The current six-digit code of the authenticator app, or an unused recovery code; needed by accounts with two-factor sign-in, ignored for others."}},
		},
		"Session": oaObj{
			"type":       "object",
			"required":   []any{"token", "expires"},
			"properties": oaObj{"token": str, "expires": dateTime},
		},
		"SearchResult": oaObj{"type": "object", "required": []any{"total", "hits"}, "properties": oaObj{
			"total":          oaObj{"type": "integer", "description": "Hits in all."},
			"total_at_least": oaObj{"type": "boolean", "description": "true: total is a lower bound. Over a big index a phrase is checked in the newest tickets until the page is full, and the older ones are not counted; the last page's total is exact. Words are always counted exactly."},
			"hits": oaObj{"type": "array", "items": oaObj{"type": "object", "required": []any{"number", "title", "process", "state", "team", "created", "score"},
				"properties": oaObj{
					"number": oaObj{"type": "string"}, "title": oaObj{"type": "string"}, "process": oaObj{"type": "string"},
					"state": oaObj{"type": "string"}, "team": oaObj{"type": "string"}, "created": oaObj{"type": "string", "format": "date-time"},
					"score": oaObj{"type": "number"},
					"snippets": oaObj{"type": "object", "description": "Passages of the texts where a word of q was found, by field: title, data (the form's text fields), public (public comments and replies), internal (internal comments; only for callers who may read them, never otherwise, also when the word is there). Each passage is HTML: the text HTML-escaped, each found word (also one found by its stem, e.g. Druckers for Drucker) in <mark>…</mark>, passages of about 200 characters. A field where nothing was found is left out.",
						"example":              oaObj{"public": []any{"Der <mark>Drucker</mark> im Zimmer 204 &amp; 205 druckt streifig"}},
						"additionalProperties": oaObj{"type": "array", "items": oaObj{"type": "string"}}},
				}}},
		}},
		"Me": oaObj{
			"type":     "object",
			"required": []any{"user", "display", "roles", "teams", "admin"},
			"properties": oaObj{
				"user": str, "display": str, "roles": strs, "teams": strs, "admin": oaObj{"type": "boolean"},
			},
		},
		"Process": oaObj{
			"type":     "object",
			"required": []any{"id", "title", "audience", "form"},
			"properties": oaObj{
				"id": str, "title": str, "audience": strs, "form": str,
				"schema": oaObj{"type": "object", "description": "The form's JSON Schema (draft 2020-12)."},
			},
		},
		"ProcessList": oaObj{
			"type":       "object",
			"required":   []any{"processes"},
			"properties": oaObj{"processes": oaObj{"type": []any{"array", "null"}, "items": oaRef("Process")}},
		},
		"TransitionRequest": oaObj{
			"type":        "object",
			"description": "Body of any transition; `data` only for a transition with a form.",
			"properties": oaObj{
				"version":  oaRef("Version"),
				"comment":  str,
				"internal": oaRef("InternalComment"),
				"data":     oaObj{"type": "object"},
			},
		},
		"InternalComment": oaObj{"type": "boolean",
			"description": "Keep the transition's comment among staff: requesters and citizens see the transition, not the comment. Needs `ticket.comment_internal`."},
		"CommentRequest": oaObj{
			"type":     "object",
			"required": []any{"text"},
			"properties": oaObj{
				"text":     oaObj{"type": "string", "pattern": `\S`},
				"internal": oaObj{"type": "boolean", "description": "Only for staff with `ticket.comment_internal`."},
				"version":  oaRef("Version"),
			},
		},
		"ApproveRequest": oaObj{
			"type":       "object",
			"properties": oaObj{"comment": str, "version": oaRef("Version")},
		},
		"RejectRequest": oaObj{
			"type":       "object",
			"required":   []any{"reason"},
			"properties": oaObj{"reason": oaObj{"type": "string", "pattern": `\S`}, "version": oaRef("Version")},
		},
		"AssignRequest": oaObj{
			"type":     "object",
			"required": []any{"user"},
			"properties": oaObj{
				"user":    oaObj{"type": "string", "description": "The assignee; empty for nobody."},
				"version": oaRef("Version"),
			},
		},
		"Ticket": oaObj{
			"type": "object",
			"required": []any{"number", "process", "version", "title", "state", "category", "priority",
				"team", "assignee", "requester", "due", "created", "updated", "data"},
			"properties": oaObj{
				"number":    str,
				"process":   str,
				"version":   oaObj{"type": "integer", "description": "Number of changes so far; send it as `version` to detect concurrent changes."},
				"title":     str,
				"state":     str,
				"category":  oaObj{"type": "string", "enum": []any{definition.CategoryOpen, definition.CategoryResolved, definition.CategoryClosed, definition.CategoryCancelled}},
				"priority":  oaRef("Priority"),
				"team":      str,
				"assignee":  str,
				"requester": str,
				"due":       due,
				"created":   dateTime,
				"updated":   dateTime,
				"data":      object,
				"approval": oaObj{
					"type":        "object",
					"description": "A pending approval: the transition, the roles of its steps in order, who approved so far.",
					"properties":  oaObj{"transition": str, "steps": strs, "approvers": strs},
				},
				"history": oaObj{"type": "array", "items": oaRef("HistoryEntry"), "description": "Only when reading one ticket."},
			},
		},
		"HistoryEntry": oaObj{
			"type":     "object",
			"required": []any{"seq", "at", "actor", "type"},
			"properties": oaObj{
				"seq":   oaObj{"type": "integer"},
				"at":    dateTime,
				"actor": str,
				"type":  oaObj{"type": "string", "description": "created, transition, comment, assigned, approval_requested, approved, rejected, …"},
				"data":  object,
			},
		},
		"TicketHead": oaObj{
			"type":     "object",
			"required": []any{"number", "process", "title", "state", "priority", "team", "assignee", "requester", "due", "updated"},
			"properties": oaObj{
				"number": str, "process": str, "title": str, "state": str, "priority": oaRef("Priority"),
				"team": str, "assignee": str, "requester": str, "due": due, "updated": dateTime,
			},
		},
		"TicketList": oaObj{
			"type":     "object",
			"required": []any{"tickets", "next"},
			"properties": oaObj{
				"tickets": oaObj{"type": "array", "items": oaRef("TicketHead")},
				"next":    oaObj{"type": "string", "description": "Cursor of the next page (`after`); empty on the last page."},
			},
		},
	}
}

func toAnys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// oaSchemaPointer is the JSON pointer of a component schema.
func oaSchemaPointer(name string) string { return "/components/schemas/" + pointerToken(name) }

// embedSchema decodes a JSON Schema to sit at ptr (a JSON pointer into the
// document). It drops $schema and $id, which OpenAPI tools mishandle inside
// a document and which would make the schema a resource of its own, and
// rewrites the references into the schema ("#", "#/…", "#anchor", or the
// URI of an $id) to pointers into the document, so they still resolve.
// References to anything else are left alone.
func embedSchema(raw []byte, ptr string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var s any
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	// The schema's own base URI, when it names none; never written out.
	root, _ := url.Parse("https://schema.invalid/embedded")
	e := &schemaEmbedder{resources: map[string]string{}, anchors: map[string]string{}}
	e.walk(s, ptr, root, e.collect)
	e.walk(s, ptr, root, e.rewrite)
	return s, nil
}

// schemaEmbedder holds where the resources and anchors of a schema end up.
type schemaEmbedder struct {
	resources map[string]string // base URI → pointer
	anchors   map[string]string // base URI + "#" + anchor → pointer
}

// Keywords whose value is a subschema, a map of them, or a list of them.
var (
	subschemaKeywords = []string{"additionalProperties", "items", "contains", "propertyNames", "not",
		"if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems"}
	subschemaMapKeywords  = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
	subschemaListKeywords = []string{"allOf", "anyOf", "oneOf", "prefixItems", "items"}
)

// walk calls visit on every schema object below s, with its pointer and
// base URI.
func (e *schemaEmbedder) walk(s any, ptr string, base *url.URL, visit func(m map[string]any, ptr string, base *url.URL)) {
	m, ok := s.(map[string]any)
	if !ok {
		return
	}
	if id, ok := m["$id"].(string); ok {
		if u, err := url.Parse(id); err == nil {
			base = base.ResolveReference(u)
			base.Fragment, base.RawFragment = "", ""
		}
	}
	visit(m, ptr, base)
	for _, k := range subschemaKeywords {
		if v, ok := m[k].(map[string]any); ok {
			e.walk(v, ptr+"/"+pointerToken(k), base, visit)
		}
	}
	for _, k := range subschemaMapKeywords {
		if v, ok := m[k].(map[string]any); ok {
			for name, sub := range v {
				e.walk(sub, ptr+"/"+pointerToken(k)+"/"+pointerToken(name), base, visit)
			}
		}
	}
	for _, k := range subschemaListKeywords {
		if v, ok := m[k].([]any); ok {
			for i, sub := range v {
				e.walk(sub, fmt.Sprintf("%s/%s/%d", ptr, pointerToken(k), i), base, visit)
			}
		}
	}
}

// collect records where resources and anchors are.
func (e *schemaEmbedder) collect(m map[string]any, ptr string, base *url.URL) {
	key := base.String()
	if _, ok := e.resources[key]; !ok {
		e.resources[key] = ptr
	}
	for _, k := range []string{"$anchor", "$dynamicAnchor"} {
		if a, ok := m[k].(string); ok {
			e.anchors[key+"#"+a] = ptr
		}
	}
}

// rewrite drops $schema and $id and points references into the document.
func (e *schemaEmbedder) rewrite(m map[string]any, _ string, base *url.URL) {
	delete(m, "$schema")
	delete(m, "$id")
	for _, k := range []string{"$ref", "$dynamicRef"} {
		ref, ok := m[k].(string)
		if !ok {
			continue
		}
		u, err := url.Parse(ref)
		if err != nil {
			continue
		}
		abs := base.ResolveReference(u)
		frag := abs.Fragment
		abs.Fragment, abs.RawFragment = "", ""
		res, ok := e.resources[abs.String()]
		if !ok {
			continue // outside the schema
		}
		var target string
		switch {
		case frag == "":
			target = res
		case strings.HasPrefix(frag, "/"):
			target = res + frag
		default:
			if target, ok = e.anchors[abs.String()+"#"+frag]; !ok {
				continue
			}
		}
		m[k] = "#" + fragmentEscape(target)
	}
}

// pointerToken escapes one JSON pointer reference token (RFC 6901).
func pointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// fragmentEscape percent-encodes what may not stand in a URI fragment
// (RFC 3986: pchar / "/" / "?").
func fragmentEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
