package asset

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings an import reports (ImportReport.Encoding).
const (
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
)

// readInput reads an import file and returns it as UTF-8 without a byte
// order mark, with the encoding it was in.
//
// Excel saves "CSV (Trennzeichen-getrennt)" in the Windows code page,
// Windows-1252 in Germany, where umlauts are single bytes that are never
// valid UTF-8. A file that is not valid UTF-8 and holds no valid UTF-8
// sequence beyond ASCII either is taken as Windows-1252 and converted. A
// file mixing valid UTF-8 with invalid bytes is left as it is: it is
// damaged, not in another encoding, and its rows report invalid_encoding.
func readInput(r io.Reader) ([]byte, string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, "", fmt.Errorf("asset: read the import file: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if utf8.Valid(data) || !looksWindows1252(data) {
		return data, EncodingUTF8, nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return nil, "", fmt.Errorf("asset: convert the import file from Windows-1252: %w", err)
	}
	return out, EncodingWindows1252, nil
}

// looksWindows1252 reports whether data holds bytes above ASCII but not
// one valid multi-byte UTF-8 sequence.
func looksWindows1252(data []byte) bool {
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r != utf8.RuneError && size > 1 {
			return false
		}
		data = data[size:]
	}
	return true
}

// sniffSeparator returns ';' when the header line holds more semicolons
// than commas (Excel in German), else ','.
func sniffSeparator(data []byte) rune {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		return ';'
	}
	return ','
}
