package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// bindStrict decodes a JSON body like bind, but a key the request type
// does not have is refused (422, the key named with code unknown_field)
// rather than ignored: a misspelt "nmae" in an edit answered 200 and
// changed nothing, which looked like success.
func bindStrict(c *fiber.Ctx, out any) error {
	if len(c.Body()) == 0 {
		return nil
	}
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return &webkit.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type"}
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(out)
	if err == nil {
		return nil
	}
	// encoding/json names an unknown key only in its message.
	const prefix = "json: unknown field "
	if msg := err.Error(); strings.HasPrefix(msg, prefix) {
		key := strings.Trim(strings.TrimPrefix(msg, prefix), `"`)
		msg := "unknown key \"" + key + "\": this request has no such field"
		if langOf(c) == "de" {
			msg = "unbekannter Schlüssel „" + key + "“: diese Anfrage hat kein solches Feld"
		}
		return webkit.FaultError(fault.Fields(fault.FieldError{Field: key, Code: CodeUnknownField, Message: msg}))
	}
	return &webkit.Error{Status: http.StatusBadRequest, Code: "invalid_json", Cause: err}
}

// CodeUnknownField is the code of a request key the route does not know.
const CodeUnknownField = "unknown_field"
