package engine

import (
	"context"
	"errors"
	"fmt"

	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// Uploads are stored pending (Upload) and become a ticket's when a change
// that refers to them is written: a create, a transition's form, an
// approval request, a comment or a reply. attachUploads marks them before
// that write, not after, and that order is what keeps files safe:
//
//   - The mark and the sweep's delete decide on the one attachment record,
//     atomically (store.AttachUpload, store.DeletePendingUpload): of the
//     two, exactly one wins. If the sweep won, the mark finds the upload
//     gone and the change is refused, so no ticket ever refers to a file
//     the sweep deleted. If the mark won, the sweep leaves the file alone.
//   - A crash, or a refused write, between the mark and the ticket's write
//     leaves a file marked as taken that no ticket refers to: it is kept
//     for good, a little space lost, never a file lost. Marking after the
//     write would turn the same crash into a ticket whose file the sweep
//     deletes a day later; proving instead that no ticket refers to an
//     upload would mean reading every ticket's data and history.
//   - A mark is idempotent: a change tried again after losing a race, or a
//     file that a second ticket refers to (a child ticket's copied data),
//     marks nothing new.

// uploadRef is an upload a change brings to a ticket, and the field that
// names it.
type uploadRef struct{ id, field string }

// attachUploads marks the uploads entry brings to t as taken by t, before
// the entry is written. An upload that is gone (swept, or never stored)
// refuses the change as an invalid value of its field.
func (e *Engine) attachUploads(ctx context.Context, t *ticket.Ticket, entry *ticket.HistoryEntry) error {
	for _, u := range e.uploadsOf(t, entry) {
		err := e.store.AttachUpload(ctx, u.id, t.Number)
		if errors.Is(err, store.ErrNotFound) {
			return invalid(u.field, form.CodeUnknownReference, "upload_gone")
		}
		if err != nil {
			return fmt.Errorf("engine: attach upload %s to %s: %w", u.id, t.Number, err)
		}
	}
	return nil
}

// uploadsOf returns the uploads entry brings to t: the values of the file
// fields of the form it was made with, or a comment's files. An approval
// request keeps its transition's form data in the ticket, not the entry.
func (e *Engine) uploadsOf(t *ticket.Ticket, entry *ticket.HistoryEntry) []uploadRef {
	content, err := entry.Decode()
	if err != nil {
		return nil // only the engine's own entries come here
	}
	cat := e.catalog()
	p := cat.Process(t.Process)
	transitionForm := func(transition string) *definition.Form {
		if p == nil {
			return nil
		}
		if tr := p.Transition(transition); tr != nil && !tr.Form.IsZero() {
			return cat.Form(tr.Form.Value)
		}
		return nil
	}
	switch x := content.(type) {
	case ticket.Created:
		if p != nil {
			return fileRefs(cat.Form(p.Form.Value), x.Data)
		}
	case ticket.Transitioned:
		return fileRefs(transitionForm(x.Transition), x.Data)
	case ticket.ApprovalRequested:
		return fileRefs(transitionForm(x.Transition), t.Data)
	case ticket.Commented:
		refs := make([]uploadRef, len(x.Files))
		for i, id := range x.Files {
			refs[i] = uploadRef{id: id, field: "files"}
		}
		return refs
	}
	return nil
}

// fileRefs returns the values of the file fields of f in data, also inside
// repeating groups, with the path of each field ("photo",
// "items[2].receipt").
func fileRefs(f *definition.Form, data map[string]any) []uploadRef {
	if f == nil {
		return nil
	}
	return appendFileRefs(nil, f.AllFields(), data, "")
}

func appendFileRefs(out []uploadRef, fields []definition.Field, data map[string]any, prefix string) []uploadRef {
	for _, fd := range fields {
		id := fd.ID.Value
		kind := form.KindOf(fd.Type)
		switch {
		case kind.Files():
			for _, v := range stringValues(data[id]) {
				out = append(out, uploadRef{id: v, field: prefix + id})
			}
		case kind.Group():
			entries, _ := data[id].([]any)
			for i, entry := range entries {
				if m, ok := entry.(map[string]any); ok {
					out = appendFileRefs(out, fd.Fields, m, fmt.Sprintf("%s%s[%d].", prefix, id, i))
				}
			}
		}
	}
	return out
}

// stringValues are the non-empty strings of a file field's value, as
// validated ([]string or []any) or read back.
func stringValues(v any) []string {
	var out []string
	switch x := v.(type) {
	case []string:
		for _, s := range x {
			if s != "" {
				out = append(out, s)
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	case string:
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
