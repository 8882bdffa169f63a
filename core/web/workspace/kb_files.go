package workspace

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/fault"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The files of an article in the workspace: listed on the article page
// with the Markdown that embeds each, uploaded by writers, served under
// the article's visibility. docs/knowledge.md.

// kbFilesBase is the address the workspace serves an article's files
// under; a body's image references point there.
func kbFilesBase(number string) string { return "/app/knowledge/" + url.PathEscape(number) + "/files/" }

func (u *workspace) kbFile(c *fiber.Ctx) error {
	var buf bytes.Buffer
	f, err := u.Knowledge.File(c.UserContext(), pagekit.UIPrincipal(c), c.Params("number"), c.Params("name"), &buf)
	if err != nil {
		return webkit.FaultError(err)
	}
	return webkit.SendArticleFile(c, f.Name, f.ContentType, buf.Bytes())
}

// kbUpload stores the file posted with the article page's upload form.
func (u *workspace) kbUpload(c *fiber.Ctx) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	l := webkit.PageLang(c)
	number := c.Params("number")
	back := "/app/knowledge/" + url.PathEscape(number)
	var up *pagekit.Upload
	for i := range sub.Files {
		if sub.Files[i].Field == "file" && sub.Files[i].Name != "" {
			up = &sub.Files[i]
			break
		}
	}
	if up == nil {
		return pagekit.SeeOther(c, back+"?notice=file_missing#kb-files-title")
	}
	if up.TooLarge {
		return pagekit.SeeOther(c, back+"?notice=file_too_large#kb-files-title")
	}
	media, _, _ := mime.ParseMediaType(http.DetectContentType(up.Data))
	_, err = u.Knowledge.AddFile(c.UserContext(), pagekit.UIPrincipal(c), number, up.Name, media, bytes.NewReader(up.Data), u.MaxFileSize, string(l))
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		return pagekit.SeeOther(c, back+"?notice="+fields[0].Code+"#kb-files-title")
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, back+"?notice=file_added#kb-files-title")
}

// kbRemoveFile removes a file with the button of its row on the article
// page.
func (u *workspace) kbRemoveFile(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	number := c.Params("number")
	back := "/app/knowledge/" + url.PathEscape(number)
	err := u.Knowledge.RemoveFile(c.UserContext(), pagekit.UIPrincipal(c), number, c.Params("name"), string(webkit.PageLang(c)))
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		return pagekit.SeeOther(c, back+"?notice="+fields[0].Code+"#kb-files-title")
	}
	if err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, back+"?notice=file_removed#kb-files-title")
}

// kbFileRow is a file on the article page.
type kbFileRow struct {
	knowledge.FileRef
	URL string
	// Embed is the Markdown that shows the image in the body.
	Embed string
}
