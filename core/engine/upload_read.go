package engine

import (
	"context"
	"io"

	"vorgang/core/store"
)

// ReadOwnUpload writes a pending upload back to the uploader who sent it
// (a file checked first and applied on a second post, such as an asset
// import). Someone else's upload is not found, like an unknown id; an
// upload no ticket takes is swept as any other.
func (e *Engine) ReadOwnUpload(ctx context.Context, uploader, id string, w io.Writer) (*store.Attachment, error) {
	if _, err := e.OwnUpload(ctx, uploader, id); err != nil {
		return nil, err
	}
	return e.readAttachment(ctx, id, w)
}
