package fault

// FieldError is one problem with one input field. Field is the path of
// the field — "summary", "items" (a group as a whole), "items[2].price" (a
// field of the third entry) — or empty for the input as a whole. Code is
// stable and machine-readable; Message is for people and may be empty
// until the caller that knows the language fills it.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error makes a FieldError usable as an error.
func (e FieldError) Error() string {
	if e.Field == "" {
		return e.Message + " [" + e.Code + "]"
	}
	return e.Field + ": " + e.Message + " [" + e.Code + "]"
}
