package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/fault"
	"vorgang/core/knowledge"
	"vorgang/core/web/internal/webkit"
)

// The files of an article through the API: listed and served to its
// readers, uploaded and removed by writers of articles, through the
// knowledge base's own use cases as on the article page
// (docs/knowledge.md).

// articleFileJSON is a file of an article with the address it is served
// under.
func articleFileJSON(number string, f *knowledge.FileRef) fiber.Map {
	return fiber.Map{"name": f.Name, "content_type": f.ContentType, "size": f.Size, "by": f.By, "at": f.At,
		"url": "/api/v1/articles/" + url.PathEscape(number) + "/files/" + url.PathEscape(f.Name)}
}

func (a *api) articleFiles(c *fiber.Ctx) error {
	number := c.Params("number")
	files, err := a.Knowledge.Files(c.UserContext(), webkit.Principal(c), number)
	if err != nil {
		return webkit.FaultError(err)
	}
	out := make([]fiber.Map, 0, len(files))
	for i := range files {
		out = append(out, articleFileJSON(number, &files[i]))
	}
	return c.JSON(fiber.Map{"files": out})
}

// uploadArticleFile stores the part "file" of a multipart body under its
// file name. The type is sniffed from the content, never taken from the
// request.
func (a *api) uploadArticleFile(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	fh, err := c.FormFile("file")
	if err != nil {
		msg := "Send the file as the part \"file\" of a multipart/form-data body."
		if lang == "de" {
			msg = "Senden Sie die Datei als Teil „file“ eines multipart/form-data-Körpers."
		}
		return webkit.FaultError(fault.Fields(fault.FieldError{Field: "file", Code: knowledge.CodeRequired, Message: msg}))
	}
	f, err := fh.Open()
	if err != nil {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Cause: err}
	}
	defer func() { _ = f.Close() }()
	// Enough for the sniffer, which reads at most 512 bytes.
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Cause: err}
	}
	head = head[:n]
	media, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	number := c.Params("number")
	ref, err := a.Knowledge.AddFile(c.UserContext(), p, number, fh.Filename, media, io.MultiReader(bytes.NewReader(head), f), a.MaxFileSize, lang)
	if err != nil {
		return webkit.FaultError(err)
	}
	m := articleFileJSON(number, ref)
	c.Location(m["url"].(string))
	return c.Status(http.StatusCreated).JSON(m)
}

func (a *api) removeArticleFile(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	if err := a.Knowledge.RemoveFile(c.UserContext(), p, c.Params("number"), c.Params("name"), langOf(c)); err != nil {
		return webkit.FaultError(err)
	}
	return c.SendStatus(http.StatusNoContent)
}
