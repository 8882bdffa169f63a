package pagekit

import (
	"fmt"

	"vorgang/core/definition"
	"vorgang/core/form"
	"vorgang/core/web/internal/webkit"
)

// fileMessage is the message of an upload problem, naming the field.
func fileMessage(l webkit.Lang, kind string, f *definition.Field, fileName string) string {
	label := f.Label.In(string(l))
	if fileName == "" {
		fileName = "?"
	}
	switch kind {
	case "file_type":
		return fmt.Sprintf(webkit.Text(l, "upload_type"), label, fileName, acceptText(f))
	case "file_unknown":
		return fmt.Sprintf(webkit.Text(l, "upload_unknown"), label)
	}
	return fmt.Sprintf(webkit.Text(l, "upload_failed"), label, fileName)
}

// tooLargeMessage says that a file is over the limit of its field (the
// smaller of its max_size and the server's).
func tooLargeMessage(l webkit.Lang, f *definition.Field, fileName string, limit int64) string {
	return fmt.Sprintf(webkit.Text(l, "upload_too_large"), f.Label.In(string(l)), fileName, form.ByteSize(limit))
}

func acceptText(f *definition.Field) string {
	out := ""
	for i, a := range f.Accept {
		if i > 0 {
			out += ", "
		}
		switch a {
		case "image/png":
			a = "PNG"
		case "image/jpeg":
			a = "JPEG"
		case "application/pdf":
			a = "PDF"
		}
		out += a
	}
	return out
}
