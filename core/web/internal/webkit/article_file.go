package webkit

import (
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// DefaultMaxFileSize bounds an uploaded file, on the pages and through
// the API, when the server sets no other limit.
const DefaultMaxFileSize = 10 << 20

// SendArticleFile answers with a file of a knowledge base article: an
// image inline, so a page can show it, anything else (PDF) as a
// download. The content type was sniffed at upload and never trusted
// from the browser.
func SendArticleFile(c *fiber.Ctx, name, contentType string, body []byte) error {
	disposition := "attachment"
	if strings.HasPrefix(contentType, "image/") {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}
