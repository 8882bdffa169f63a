package api

import "vorgang/core/web/internal/webkit"

// The routes of user administration and of the caller's own account in the
// OpenAPI document (api_users.go).

func oaUserSchemas() oaObj {
	str := oaObj{"type": "string"}
	strs := oaObj{"type": "array", "items": str}
	dateTime := oaObj{"type": "string", "format": "date-time"}
	token := oaObj{"type": "object", "required": []any{"id", "user", "name", "created"},
		"properties": oaObj{"id": oaObj{"type": "string", "description": "Identifies the token for revoking; reveals nothing of the secret."},
			"user": str, "name": str, "created": dateTime, "expires": dateTime, "last_used": dateTime}}
	return oaObj{
		"User": oaObj{
			"type":     "object",
			"required": []any{"name", "display_name", "roles", "teams", "disabled", "version"},
			"properties": oaObj{
				"name": str, "display_name": str, "email": str, "roles": strs, "teams": strs,
				"manager":  oaObj{"type": "string", "description": "User name of the line manager."},
				"lang":     oaObj{"type": "string", "enum": []any{"de", "en"}},
				"disabled": oaObj{"type": "boolean"},
				"source":   oaObj{"type": "string", "description": "`directory` for a user the directory manages; absent for a local one."},
				"directory_managed": oaObj{"type": "array", "items": str,
					"description": "The fields the directory sets (of a directory user); PATCH refuses them with `directory_managed`."},
				"version": oaObj{"type": "integer", "description": "Send it back with an edit; a stale one is answered 409."},
				"created": dateTime, "updated": dateTime,
			},
		},
		"UserList": oaObj{"type": "object", "required": []any{"users", "next"}, "properties": oaObj{
			"users": oaObj{"type": "array", "items": oaRef("User")},
			"next":  oaObj{"type": "string", "description": "Pass as `after` for the next page; empty on the last."}}},
		"UserRequest": oaObj{"type": "object", "properties": oaObj{
			"name":         oaObj{"type": "string", "description": "Required when creating: lower-case letters, digits, `.`, `_`, `-`."},
			"version":      oaObj{"type": "integer", "description": "Required when editing: the version the edit was made on."},
			"display_name": str, "email": str, "roles": strs, "teams": strs, "manager": str,
			"lang":     oaObj{"type": "string", "enum": []any{"de", "en"}},
			"disabled": oaObj{"type": "boolean", "description": "Editing only. Disabling ends the user's sessions and stops their API tokens."},
			"password": oaObj{"type": "string", "description": "Creating only, optional."}}},
		"ResetLink": oaObj{"type": "object", "required": []any{"user", "token", "url", "expires"}, "properties": oaObj{
			"user": str, "token": str, "url": oaObj{"type": "string", "description": "The page where the user sets a password; shown once."},
			"expires": dateTime}},
		"TokenList": oaObj{"type": "object", "required": []any{"tokens"}, "properties": oaObj{"tokens": oaObj{"type": "array", "items": token}}},
		"AuditLog": oaObj{"type": "object", "required": []any{"entries", "next"}, "properties": oaObj{
			"entries": oaObj{"type": "array", "items": oaObj{"type": "object", "required": []any{"seq", "at", "actor", "action", "user"},
				"properties": oaObj{"seq": oaObj{"type": "integer"}, "at": dateTime, "actor": str, "action": str, "user": str, "detail": str,
					"changes": oaObj{"type": "array", "items": oaObj{"type": "object", "properties": oaObj{"field": str, "from": str, "to": str}}}}}},
			"next": oaObj{"type": "integer", "description": "Pass as `before` for the next (older) page; 0 on the last."}}},
		"PasswordChange": oaObj{"type": "object", "required": []any{"current_password", "new_password"},
			"properties": oaObj{"current_password": str, "new_password": str}},
		"PasswordByLink": oaObj{"type": "object", "required": []any{"token", "password"},
			"properties": oaObj{"token": oaObj{"type": "string", "description": "The token of the reset link."}, "password": str}},
	}
}

func oaUserPaths() oaObj {
	name := []any{oaObj{"name": "name", "in": "path", "required": true, "description": "User name.", "schema": oaObj{"type": "string"}}}
	id := oaObj{"name": "id", "in": "path", "required": true, "description": "The token's id.", "schema": oaObj{"type": "string"}}
	query := func(name, typ, description string) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "schema": oaObj{"type": typ}}
	}
	user := oaOK("The user.", oaRef("User"))
	admin := func(r oaObj) oaObj {
		r["403"] = oaError(webkit.CodeForbidden)
		return r
	}
	noContent := oaObj{"description": "Done."}
	return oaObj{
		"/api/v1/users": oaObj{
			"get": oaOp("users", "listUsers", "Users in name order (administrators)", nil,
				admin(oaObj{"200": oaOK("One page of users.", oaRef("UserList")), "422": oaError("validation_failed")}),
				oaObj{"parameters": []any{oaParam("AcceptLanguage"), query("after", "string", "The previous page's `next`."),
					query("limit", "integer", "Page size, at most 200.")}}),
			"post": oaOp("users", "createUser", "Create a local user (administrators)", nil,
				admin(oaObj{"201": user, "409": oaError(webkit.CodeUserExists), "422": oaError("validation_failed")}),
				oaObj{"requestBody": oaBody(oaRef("UserRequest"), true)}),
		},
		"/api/v1/users/{name}": oaObj{
			"parameters": name,
			"get":        oaOp("users", "getUser", "A user (administrators)", nil, admin(oaObj{"200": user, "404": oaError(webkit.CodeNotFound)}), nil),
			"patch": oaOp("users", "updateUser", "Edit, disable or enable a user (administrators)", nil,
				admin(oaObj{"200": user, "404": oaError(webkit.CodeNotFound), "409": oaError(webkit.CodeConflict), "422": oaError("validation_failed")}),
				oaObj{"requestBody": oaBody(oaRef("UserRequest"), true)}),
		},
		"/api/v1/users/{name}/password-reset": oaObj{
			"parameters": name,
			"post": oaOp("users", "createResetLink", "A one-time link by which the user sets a password (administrators)", nil,
				admin(oaObj{"201": oaOK("The link, shown once.", oaRef("ResetLink")), "404": oaError(webkit.CodeNotFound), "422": oaError(webkit.CodeDirectoryManaged, webkit.CodeNotAllowedNow)}), nil),
		},
		"/api/v1/users/{name}/sessions": oaObj{
			"parameters": name,
			"delete": oaOp("users", "revokeSessions", "Sign the user out everywhere (administrators)", nil,
				admin(oaObj{"204": noContent, "404": oaError(webkit.CodeNotFound)}), nil),
		},
		"/api/v1/users/{name}/two-factor": oaObj{
			"parameters": name,
			"delete": oaOp("users", "resetTwoFactor", "Turn the user's two-factor sign-in off, for a lost device (administrators)", nil,
				admin(oaObj{"204": noContent, "404": oaError(webkit.CodeNotFound)}), nil),
		},
		"/api/v1/users/{name}/tokens": oaObj{
			"parameters": name,
			"get": oaOp("users", "listUserTokens", "The user's API tokens (administrators)", nil,
				admin(oaObj{"200": oaOK("The tokens.", oaRef("TokenList")), "404": oaError(webkit.CodeNotFound)}), nil),
		},
		"/api/v1/users/{name}/tokens/{id}": oaObj{
			"parameters": append(append([]any{}, name...), id),
			"delete": oaOp("users", "revokeUserToken", "Revoke one of the user's API tokens (administrators)", nil,
				admin(oaObj{"204": noContent, "404": oaError(webkit.CodeNotFound)}), nil),
		},
		"/api/v1/audit-log": oaObj{"get": oaOp("users", "auditLog", "The admin audit log, newest first (administrators)", nil,
			admin(oaObj{"200": oaOK("One page of entries.", oaRef("AuditLog")), "422": oaError("validation_failed")}),
			oaObj{"parameters": []any{oaParam("AcceptLanguage"), query("before", "integer", "The previous page's `next`; 0: the newest."),
				query("limit", "integer", "Page size, at most 200 (default 50).")}})},
		"/api/v1/me/password": oaObj{"post": oaOp("account", "changeOwnPassword", "Change one's own password; every session ends", nil,
			oaObj{"204": noContent, "422": oaError("validation_failed", webkit.CodeDirectoryManaged), "429": oaError(webkit.CodeLoginThrottled)},
			oaObj{"requestBody": oaBody(oaRef("PasswordChange"), true)})},
		"/api/v1/me/tokens": oaObj{"get": oaOp("account", "listOwnTokens", "One's own API tokens", nil,
			oaObj{"200": oaOK("The tokens.", oaRef("TokenList"))}, nil)},
		"/api/v1/me/tokens/{id}": oaObj{
			"parameters": []any{id},
			"delete": oaOp("account", "revokeOwnToken", "Revoke one of one's own API tokens", nil,
				oaObj{"204": noContent, "404": oaError(webkit.CodeNotFound)}, nil),
		},
		"/api/v1/password-reset": oaObj{"post": oaOp("account", "setPasswordByLink", "Set a password with a reset link's token", oaPublic,
			oaObj{"200": oaOK("The user whose password was set.", oaObj{"type": "object", "properties": oaObj{"user": oaObj{"type": "string"}}}),
				"404": oaError(webkit.CodeResetLinkInvalid), "422": oaError("validation_failed")},
			oaObj{"requestBody": oaBody(oaRef("PasswordByLink"), true)})},
	}
}
