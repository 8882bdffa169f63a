package pagekit

import (
	"bytes"
	"errors"
	"mime/multipart"
	"testing"
	"unicode/utf8"
)

func multipartBody(t testing.TB, fields map[string]string, files map[string][]byte) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for k, data := range files {
		fw, err := w.CreateFormFile(k, "datei.png")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	// An empty file input: a filename parameter without a file.
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="empty"; filename=""`}
	h["Content-Type"] = []string{"application/octet-stream"}
	_, _ = w.CreatePart(h)
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestParseSubmission(t *testing.T) {
	small := SubmissionLimits{MaxValues: 5, MaxValueSize: 10, MaxFiles: 1, MaxFileSize: 8}
	ct, body := multipartBody(t, map[string]string{"summary": "Loch", "spots[0][street]": "Markt 1"}, map[string][]byte{"photo": []byte("PNGDATA")})
	tests := []struct {
		name   string
		ct     string
		body   string
		lim    SubmissionLimits
		err    error
		values int
		files  int
	}{
		{"urlencoded", "application/x-www-form-urlencoded", "a=1&b=2&b=3", defaultSubmissionLimits, nil, 3, 0},
		{"urlencoded with charset", "application/x-www-form-urlencoded; charset=UTF-8", "a=%C3%A4", defaultSubmissionLimits, nil, 1, 0},
		{"multipart", ct, string(body), defaultSubmissionLimits, nil, 2, 1},
		{"too many values", "application/x-www-form-urlencoded", "a=1&a=2&a=3&a=4&a=5&a=6", small, errTooManyValues, 0, 0},
		{"value too large", "application/x-www-form-urlencoded", "a=12345678901", small, errValueTooLarge, 0, 0},
		{"not UTF-8", "application/x-www-form-urlencoded", "a=%FF", defaultSubmissionLimits, errBadEncoding, 0, 0},
		{"JSON is not a form", "application/json", `{"a":1}`, defaultSubmissionLimits, errUnsupportedMedia, 0, 0},
		{"no content type", "", "a=1", defaultSubmissionLimits, errUnsupportedMedia, 0, 0},
		{"multipart without boundary", "multipart/form-data", string(body), defaultSubmissionLimits, errUnsupportedMedia, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := parseSubmission(tt.ct, []byte(tt.body), tt.lim)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			n := 0
			for _, vs := range sub.Values {
				n += len(vs)
			}
			if n != tt.values || len(sub.Files) != tt.files {
				t.Fatalf("%d values, %d files; want %d, %d: %+v", n, len(sub.Files), tt.values, tt.files, sub)
			}
		})
	}
	// A file over the limit is kept as a mark without its content, with
	// every other value of the post, so the form can say so at the field.
	big := SubmissionLimits{MaxValues: 10, MaxValueSize: 100, MaxFiles: 1, MaxFileSize: 4}
	sub, err := parseSubmission(ct, body, big)
	if err != nil {
		t.Fatalf("a file over the limit: %v", err)
	}
	if len(sub.Files) != 1 || !sub.Files[0].TooLarge || sub.Files[0].Data != nil || len(sub.Values) == 0 {
		t.Errorf("a file over the limit: %+v", sub)
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\erika\foto.png`: "foto.png",
		"../../etc/passwd":        "passwd",
		"a\x00b\nc.png":           "abc.png",
		"":                        "datei",
		"/":                       "datei",
		"\xff\xfe.png":            ".png",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseSubmission feeds arbitrary bodies to the form post parser under
// both content types: it must never panic, and whatever it accepts stays
// within the limits.
func FuzzParseSubmission(f *testing.F) {
	ct, body := multipartBody(f, map[string]string{"summary": "Loch", "_csrf": "x"}, map[string][]byte{"photo": []byte("\x89PNG\r\n\x1a\n")})
	_, boundary, _ := bytes.Cut([]byte(ct), []byte("boundary="))
	f.Add(true, body)
	f.Add(false, []byte("a=1&b=%C3%A4&spots%5B0%5D%5Bstreet%5D=Markt+1"))
	f.Add(false, []byte("&&==%zz"))
	f.Add(true, []byte("--"+string(boundary)+"\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--"+string(boundary)+"--\r\n"))
	lim := SubmissionLimits{MaxValues: 50, MaxValueSize: 1000, MaxFiles: 3, MaxFileSize: 2000}
	f.Fuzz(func(t *testing.T, multi bool, data []byte) {
		contentType := "application/x-www-form-urlencoded"
		if multi {
			contentType = ct
		}
		sub, err := parseSubmission(contentType, data, lim)
		if err != nil {
			return
		}
		n := len(sub.Files)
		for name, vs := range sub.Values {
			n += len(vs)
			for _, v := range vs {
				if !utf8.ValidString(v) || !utf8.ValidString(name) || len(v) > lim.MaxValueSize {
					t.Fatalf("accepted value %q=%q", name, v)
				}
			}
		}
		if n > lim.MaxValues || len(sub.Files) > lim.MaxFiles {
			t.Fatalf("accepted %d values and %d files", n, len(sub.Files))
		}
		for _, f := range sub.Files {
			if int64(len(f.Data)) > lim.MaxFileSize || f.Name == "" || !utf8.ValidString(f.Name) {
				t.Fatalf("accepted file %q of %d bytes", f.Name, len(f.Data))
			}
		}
	})
}
