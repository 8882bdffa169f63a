package webkit

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"
)

// StreamFile answers with a download whose body write produces while it
// is sent, so a large export is never held whole in memory. The status
// and head go out before the first byte: whatever may refuse the request
// must be checked before. write gets a context that outlives the handler
// (the request's values, not its end) and is cut off only by the
// server's write timeout.
func StreamFile(c *fiber.Ctx, contentType, filename string, write func(ctx context.Context, w io.Writer)) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", filename))
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx := context.WithoutCancel(c.UserContext())
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		write(ctx, w)
		_ = w.Flush()
	})
	return nil
}
