package definition

// RequesterEmail is the address a requester gave when opening a ticket of
// the process with data: the first e-mail field of the process's form that
// holds one; "" when none does. Mails to a citizen go there, and a mail
// from it counts as the citizen's reply.
func (c *Catalog) RequesterEmail(process string, data map[string]any) string {
	p := c.Process(process)
	if p == nil {
		return ""
	}
	f := c.Form(p.Form.Value)
	if f == nil {
		return ""
	}
	for _, fd := range f.AllFields() {
		if fd.Type != FieldEmail {
			continue
		}
		if s, ok := data[fd.ID.Value].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
