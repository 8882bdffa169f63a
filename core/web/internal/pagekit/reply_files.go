package pagekit

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/form"
	"vorgang/core/web/internal/webkit"
)

// replyAccept are the file types a citizen may attach to a reply.
var replyAccept = &definition.Field{Accept: []string{"image/png", "image/jpeg", "application/pdf"}}

// StoreReplyFiles stores the files of a reply or comment (field "file")
// after checking their sniffed type and size. msg is a message for the
// person when a file is refused; err is a failure of the store.
func (u *Pages) StoreReplyFiles(c *fiber.Ctx, sub *Submission) (ids []string, msg string, err error) {
	l := webkit.PageLang(c)
	for _, up := range sub.Files {
		if up.Field != "file" || len(up.Data) == 0 && !up.TooLarge {
			continue
		}
		if up.TooLarge {
			return nil, fmt.Sprintf(webkit.Text(l, "reply_file_large"), form.ByteSize(u.MaxFileSize)), nil
		}
		media, _, _ := mime.ParseMediaType(http.DetectContentType(up.Data))
		if !accepted(replyAccept, media) {
			return nil, webkit.Text(l, "reply_file_type"), nil
		}
		a, err := u.Engine.Upload(c.UserContext(), u.uploader(c), up.Name, media, bytes.NewReader(up.Data), u.MaxFileSize)
		if err != nil {
			if errors.Is(err, engine.ErrFileTooLarge) {
				return nil, fmt.Sprintf(webkit.Text(l, "reply_file_large"), form.ByteSize(u.MaxFileSize)), nil
			}
			return nil, "", err
		}
		ids = append(ids, a.ID)
	}
	return ids, "", nil
}
