package pagekit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/form"
	"vorgang/core/web/internal/webkit"
)

// Computed fields while a form is filled in: the page's script posts the
// form's controls as JSON to /portal/forms/{form}/compute or
// /app/forms/{form}/compute and shows the answer in the read-only boxes.
// Nothing is stored and nothing is refused: the same checks and compute
// scripts run as for a submission, without its validate script. Without
// JavaScript the values appear when the form is sent.

// maxComputeBody bounds a computation's request: the controls of a form,
// never its files.
const maxComputeBody = 256 << 10

// computeRequest is the body of a computation: the form's controls by
// name, as the browser would post them ("items[0][price]": "19,99"), each
// a text or a list of texts.
type computeRequest struct {
	Values map[string]json.RawMessage `json:"values"`
}

// computeAnswer is the answer: every computed field, by the name of its
// control on the page.
type computeAnswer struct {
	Fields []computedField `json:"fields"`
}

type computedField struct {
	form.Computed
	// Name is the control's name on the page: "fee", "items[3][total]".
	Name string `json:"name"`
}

// compute checks the request like every post of the pages (same origin, a
// CSRF token bound to this browser, here in the X-CSRF-Token header) and
// answers the computed values of the posted controls.
func (u *Pages) Compute(c *fiber.Ctx, id string) error {
	if err := u.CheckPost(c, c.Get("X-CSRF-Token")); err != nil {
		return err
	}
	compiled, err := u.Engine.Form(u.Catalog(), id)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	values, err := u.readCompute(c, l)
	if err != nil {
		return err
	}
	sub := compiled.DecodeForm(values, string(l))
	got, err := compiled.Compute(c.UserContext(), sub.Data, string(l))
	if err != nil {
		// A script failed or timed out: the boxes keep what they show,
		// and the submission will say what is wrong.
		return &webkit.Error{Status: http.StatusServiceUnavailable, Code: webkit.CodeUnavailable, RetryAfter: 1, Cause: fmt.Errorf("compute form %s: %w", id, err)}
	}
	ans := computeAnswer{Fields: make([]computedField, len(got))}
	for i, v := range got {
		ans.Fields[i] = computedField{Computed: v, Name: sub.ControlName(v.Field)}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(ans)
}

// readCompute decodes the body of a computation within the limits of a
// form post, answering 400 with what is wrong.
func (u *Pages) readCompute(c *fiber.Ctx, l webkit.Lang) (map[string][]string, error) {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return nil, &webkit.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type"}
	}
	body := c.Body()
	if len(body) > maxComputeBody {
		return nil, &webkit.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large"}
	}
	bad := func(detail string, cause error) error {
		return &webkit.Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: webkit.Text(l, "compute_bad_json") + " " + detail, Cause: cause}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var req computeRequest
	if err := dec.Decode(&req); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, bad(fmt.Sprintf(webkit.Text(l, "compute_json_at"), syn.Offset), err)
		case errors.As(err, &typ):
			return nil, bad(fmt.Sprintf(webkit.Text(l, "compute_json_type"), typ.Field), err)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, bad(webkit.Text(l, "compute_json_short"), err)
		case errors.Is(err, io.EOF):
			return nil, bad(webkit.Text(l, "compute_json_empty"), err)
		}
		return nil, bad(err.Error(), err)
	}
	if dec.More() {
		return nil, bad(webkit.Text(l, "compute_json_trailing"), nil)
	}
	if req.Values == nil {
		return nil, bad(webkit.Text(l, "compute_json_no_values"), nil)
	}
	sub := &Submission{Values: map[string][]string{}}
	for _, name := range slices.Sorted(maps.Keys(req.Values)) {
		raw := req.Values[name]
		var one string
		var list []string
		if err := json.Unmarshal(raw, &one); err == nil {
			list = []string{one}
		} else if err := json.Unmarshal(raw, &list); err != nil {
			return nil, bad(fmt.Sprintf(webkit.Text(l, "compute_json_value"), name), err)
		}
		for _, v := range list {
			if err := sub.addValue(name, v, u.Limits); err != nil {
				return nil, &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Cause: err}
			}
		}
	}
	return sub.Values, nil
}
