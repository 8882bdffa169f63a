package pagekit

import (
	"net/http"
	"strconv"

	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// PostedVersion reads the ticket version a page form was rendered at. Every
// ticket form carries it, so a post without it, or with one that is not a
// whole number, is malformed: it is refused rather than sent on as version
// 0, which the engine would take as "skip the conflict check" and so
// overwrite whatever changed since the page was shown.
func PostedVersion(sub *Submission) (int64, error) {
	raw := sub.First("_version")
	if raw == "" {
		return 0, versionError("required")
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 1 {
		return 0, versionError("invalid")
	}
	return v, nil
}

func versionError(code string) error {
	return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest,
		Fields: []fault.FieldError{{Field: "_version", Code: code, Text: "version_missing"}}}
}
