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
	if utf8.Valid(head) || !utf8.Valid(data) && utf8.Valid(head[:max(0, len(head)-3)]) {
		if !bytes.ContainsAny(head, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f") {
			return "text/plain"
		}
	}
	return "application/octet-stream"
}
