package definition

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Watch calls changed whenever a definition or script file below dirs is
// added, removed or modified, until ctx ends. It polls a cheap fingerprint
// (names, sizes, modification times) every interval: polling works the same
// on every file system, including bind mounts and network shares where
// change notifications are unreliable, and costs little for a few hundred
// files. A change is reported once the folders have been stable for one
// interval, so an editor's multi-step save causes one reload.
//
// since is the Fingerprint taken before the definitions in service were
// read: a change made between that read and the start of Watch (a server
// starts its loops only after it listens) is reported too.
func Watch(ctx context.Context, dirs []string, interval time.Duration, since string, changed func()) {
	last := since
	pending := ""
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := Fingerprint(dirs)
		switch {
		case now != last && now != pending:
			pending = now // changed: wait for it to settle
		case now != last && now == pending:
			last, pending = now, ""
			changed()
		}
	}
}

// Fingerprint is a cheap summary of the definition files below dirs: their
// names, sizes and modification times.
func Fingerprint(dirs []string) string {
	h := sha256.New()
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(h, "%s\x00error\x00", p)
				return nil
			}
			if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			if d.IsDir() || !(isYAML(p) || strings.HasSuffix(p, ".lua")) {
				return nil
			}
			info, err := os.Stat(p)
			if err != nil {
				return nil
			}
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00", p, info.Size(), info.ModTime().UnixNano())
			return nil
		})
	}
	return string(h.Sum(nil))
}
