package pagekit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"
)

// SubmissionLimits bound what one browser post may carry beyond the body
// size limit the server enforces: a form has at most a few hundred controls,
// and no text value is longer than a textarea's default limit (with room
// for multi-byte characters).
type SubmissionLimits struct {
	MaxValues    int   // form values, files included
	MaxValueSize int   // bytes of one text value
	MaxFiles     int   // uploaded files
	MaxFileSize  int64 // bytes of one uploaded file
}

// defaultSubmissionLimits are the limits of the pages; the server sets
// MaxFileSize from its own setting.
var defaultSubmissionLimits = SubmissionLimits{MaxValues: 1000, MaxValueSize: 100_000, MaxFiles: 20, MaxFileSize: 10 << 20}

// Upload is one file part of a multipart post.
type Upload struct {
	Field string // the control's name, e.g. photo or spots[0][photo]
	Name  string // the file name the browser gave, without any path
	Data  []byte
	// TooLarge marks a file over MaxFileSize: its content was read past
	// and dropped, so the form can say so at the field and keep the rest
	// of the post.
	TooLarge bool
}

// Submission is a decoded browser post: its text values by name, and the
// uploaded files in order.
type Submission struct {
	Values map[string][]string
	Files  []Upload
}

// First is the first value of the control name, or "".
func (s *Submission) First(name string) string {
	if v := s.Values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

var (
	errTooManyValues    = errors.New("too many form values")
	errValueTooLarge    = errors.New("form value too large")
	errUnsupportedMedia = errors.New("unsupported content type")
	errBadEncoding      = errors.New("form values are not valid UTF-8")
)

// parseSubmission decodes a form post (application/x-www-form-urlencoded or
// multipart/form-data) within the limits. Empty file inputs (a part with no
// file name and no content) are skipped. Every text value must be UTF-8.
func parseSubmission(contentType string, body []byte, lim SubmissionLimits) (*Submission, error) {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", errUnsupportedMedia, contentType)
	}
	sub := &Submission{Values: map[string][]string{}}
	switch media {
	case "application/x-www-form-urlencoded":
		if strings.Count(string(body), "&") >= lim.MaxValues {
			return nil, errTooManyValues
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("parse form: %w", err)
		}
		for k, vs := range vals {
			for _, v := range vs {
				if err := sub.addValue(k, v, lim); err != nil {
					return nil, err
				}
			}
		}
		return sub, nil
	case "multipart/form-data":
		boundary := params["boundary"]
		if boundary == "" {
			return nil, fmt.Errorf("%w: multipart without boundary", errUnsupportedMedia)
		}
		return sub, sub.readMultipart(multipart.NewReader(bytes.NewReader(body), boundary), lim)
	}
	return nil, fmt.Errorf("%w: %s", errUnsupportedMedia, media)
}

func (s *Submission) count() int {
	n := len(s.Files)
	for _, vs := range s.Values {
		n += len(vs)
	}
	return n
}

// addValue adds one text value within the limits.
func (s *Submission) addValue(name, value string, lim SubmissionLimits) error {
	if s.count() >= lim.MaxValues {
		return errTooManyValues
	}
	if len(value) > lim.MaxValueSize || len(name) > 200 {
		return errValueTooLarge
	}
	if !utf8.ValidString(name) || !utf8.ValidString(value) {
		return errBadEncoding
	}
	s.Values[name] = append(s.Values[name], value)
	return nil
}

func (s *Submission) readMultipart(r *multipart.Reader, lim SubmissionLimits) error {
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse multipart form: %w", err)
		}
		name := part.FormName()
		if name == "" {
			part.Close()
			continue
		}
		if s.count() >= lim.MaxValues {
			return errTooManyValues
		}
		fileName := part.FileName()
		// A file input sends a filename parameter, empty when no file was
		// chosen; text values never have one.
		_, disposition, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		_, isFile := disposition["filename"]
		if !isFile {
			data, err := io.ReadAll(io.LimitReader(part, int64(lim.MaxValueSize)+1))
			part.Close()
			if err != nil {
				return fmt.Errorf("parse multipart form: %w", err)
			}
			if err := s.addValue(name, string(data), lim); err != nil {
				return err
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, lim.MaxFileSize+1))
		tooLarge := int64(len(data)) > lim.MaxFileSize
		if err == nil && tooLarge {
			data = nil
			_, err = io.Copy(io.Discard, part)
		}
		part.Close()
		if err != nil {
			return fmt.Errorf("parse multipart form: %w", err)
		}
		if fileName == "" && len(data) == 0 && !tooLarge {
			continue // an empty file input
		}
		if len(s.Files) >= lim.MaxFiles {
			return errTooManyValues
		}
		if !utf8.ValidString(name) {
			return errBadEncoding
		}
		s.Files = append(s.Files, Upload{Field: name, Name: cleanFileName(fileName), Data: data, TooLarge: tooLarge})
	}
}

// cleanFileName keeps the last element of a browser's file name (old
// browsers send a full path), as valid UTF-8 without control characters,
// at most 200 bytes.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "." || name == "/" || name == "" {
		return "datei"
	}
	return name
}
