package engine

import (
	"bytes"
	"unicode/utf8"
)

// magic are the signatures SniffType knows, as the web layer's sniffing
// (the standard library's) recognises them.
var magic = []struct {
	prefix []byte
	media  string
}{
	{[]byte("\x89PNG\r\n\x1a\n"), "image/png"},
	{[]byte("\xff\xd8\xff"), "image/jpeg"},
	{[]byte("GIF87a"), "image/gif"},
	{[]byte("GIF89a"), "image/gif"},
	{[]byte("%PDF-"), "application/pdf"},
	{[]byte("PK\x03\x04"), "application/zip"},
	{[]byte("\x1f\x8b\x08"), "application/x-gzip"},
}

// SniffType names the type of a file from its first bytes, never from
// what the sender claims: the type the upload rules check. Text is
// text/plain; anything unknown is application/octet-stream.
func SniffType(data []byte) string {
	for _, m := range magic {
		if bytes.HasPrefix(data, m.prefix) {
			return m.media
		}
	}
	if len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		return "image/webp"
	}
	head := data[:min(len(data), 512)]
	if len(head) < len(data) {
		// The cut at 512 bytes may split a character: drop its start.
		for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
			if utf8.RuneStart(head[i]) {
				if !utf8.FullRune(head[i:]) {
					head = head[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(head) && !bytes.ContainsFunc(head, isBinaryControl) {
		return "text/plain"
	}
	return "application/octet-stream"
}

// isBinaryControl reports the control characters text does not hold (all
// but tab, line feed, form feed and carriage return).
func isBinaryControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\f' && r != '\r'
}
