package form

// ErrorFor returns the first error of the field with the path, or nil.
func ErrorFor(errs []FieldError, path string) *FieldError {
	for i := range errs {
		if errs[i].Field == path {
			return &errs[i]
		}
	}
	return nil
}
