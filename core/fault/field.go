package fault

// FieldError is one problem with one input field. Field is the path of
// the field — "summary", "items" (a group as a whole), "items[2].price" (a
// field of the third entry) — or empty for the input as a whole. Code is
// stable and machine-readable; Message is for people. A package that does
// not put problems into words leaves Message empty and names the sentence
// that explains the problem with Text and its Params instead; the caller
// that knows the language writes it.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Text names the sentence that explains the problem; "" means the
	// code's own.
	Text string `json:"-"`
	// Params fill the sentence; values are strings or numbers.
	Params map[string]any `json:"-"`
}

// Error makes a FieldError usable as an error.
func (e FieldError) Error() string {
	if e.Field == "" {
		return e.says() + " [" + e.Code + "]"
	}
	return e.Field + ": " + e.says() + " [" + e.Code + "]"
}

// says is the message, or the name of the sentence when it is not put
// into words yet.
func (e FieldError) says() string {
	switch {
	case e.Message != "":
		return e.Message
	case e.Text != "":
		return e.Text
	}
	return e.Code
}
