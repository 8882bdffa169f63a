package web

import "strconv"

// limitsView states the upload limits of the pages: a person whose post
// was refused as too large learns what would have been accepted.
type limitsView struct {
	FileSize  string // largest file, e.g. "10 MB"
	TotalSize string // largest post, all files together
	Files     int    // most files in one post
}

func (u *ui) limitsView() limitsView {
	return limitsView{FileSize: byteSize(u.MaxFileSize), TotalSize: byteSize(u.bodyLimit), Files: u.limits.MaxFiles}
}

// byteSize writes a limit in whole MB or KB as people read them.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
