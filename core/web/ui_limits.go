package web

import "vorgang/core/form"

// limitsView states the upload limits of the pages: a person whose post
// was refused as too large learns what would have been accepted.
type limitsView struct {
	FileSize  string // largest file, e.g. "10 MB"
	TotalSize string // largest post, all files together
	Files     int    // most files in one post
}

func (u *ui) limitsView() limitsView {
	return limitsView{FileSize: form.ByteSize(u.MaxFileSize), TotalSize: form.ByteSize(u.bodyLimit), Files: u.limits.MaxFiles}
}
