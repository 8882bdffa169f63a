package knowledge

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// Files of an article: images and documents uploaded to the attachment
// storage the tickets' files use, listed per article in FilesCollection
// and read under the article's own visibility. A body embeds an image by
// its file name (![Plan](plan.png)); Render points the reference at the
// address the page serves the file under.

// FileRef is a file of an article.
type FileRef struct {
	// Name is unique within the article; a new upload of a name replaces
	// the file.
	Name        string    `bson:"name" json:"name"`
	Attachment  string    `bson:"attachment" json:"-"`
	ContentType string    `bson:"content_type" json:"content_type"`
	Size        int64     `bson:"size" json:"size"`
	By          string    `bson:"by" json:"by"`
	At          time.Time `bson:"at" json:"at"`
}

// fileList is the document of an article's files.
type fileList struct {
	Number  string    `bson:"_id"`
	Version int64     `bson:"version"`
	Files   []FileRef `bson:"files"`
	// Retired is the content no address serves any more: of a file
	// replaced by an upload of its name, or removed. PurgeFiles deletes
	// it from the attachment storage.
	Retired []retiredFile `bson:"retired,omitempty"`
}

// retiredFile is content of a file of an article that is no longer served.
type retiredFile struct {
	Attachment string    `bson:"attachment"`
	At         time.Time `bson:"at"`
}

// UploadGrace is how old the content of an upload no list of files names
// must be before PurgeFiles takes it for a leftover of a crash (content
// stored, the list not written). An upload is listed within half of it
// or refused, so content the purge may take is never listed afterwards,
// even by an instance whose clock is up to half of it apart from the
// purging one's.
const UploadGrace = time.Hour

// errUploadLate: the upload took too long to be listed safely.
var errUploadLate = errors.New("upload took too long to list")

// fileIDPrefix begins the attachment id of every article file: the
// prefix, the time of the upload to the second (so ids sort by it and the
// purge finds old uploads by a range of ids), a random part.
const fileIDPrefix = "kbfile-"

// fileID is the attachment id of an article file uploaded at t.
func fileID(t time.Time) string {
	return fileIDPrefix + fileIDTime(t) + "-" + strings.ToLower(rand.Text())
}

// fileIDTime is the time part of a file's attachment id.
func fileIDTime(t time.Time) string { return t.UTC().Format("20060102t150405") }

// FileTypes are the content types an article's file may have (sniffed
// from the content by the caller): images a page can show, and PDF. SVG
// is not among them, since it may carry script.
var FileTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

// MaxFiles bounds the files of one article.
const MaxFiles = 50

// fileName is the shape of a file name a body can refer to.
var fileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// Codes of a refused file.
const (
	CodeFileName  = "invalid_file_name"
	CodeFileType  = "file_type_not_allowed"
	CodeFileCount = "too_many_files"
	CodeFileInUse = "file_in_use"
	CodeFileSize  = "file_too_large"
)

// CleanFileName is the name a file is kept under: the browser's name
// without a path, spaces as hyphens; "" when it cannot be one.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(path.Base(strings.ReplaceAll(name, `\`, "/")), " ", "-")
	if !fileName.MatchString(name) {
		return ""
	}
	return name
}

// AddFile stores a file of the article (the caller sniffed contentType
// from the content), at most maxSize bytes. lang is the language of
// error messages. A file of the same name is replaced; its earlier
// content is retired, for PurgeFiles.
func (s *Service) AddFile(ctx context.Context, actor *auth.Principal, number, name, contentType string, r io.Reader, maxSize int64, lang string) (*FileRef, error) {
	if !MayWrite(actor) {
		return nil, fmt.Errorf("add file to article %s: %w", number, fault.Forbidden)
	}
	if _, err := s.Get(ctx, actor, number); err != nil {
		return nil, err
	}
	clean := CleanFileName(name)
	if clean == "" {
		return nil, fault.Fields(fieldError("file", CodeFileName, lang))
	}
	if !slices.Contains(FileTypes, contentType) {
		return nil, fault.Fields(fieldError("file", CodeFileType, lang))
	}
	now := s.stamp()
	att := &store.Attachment{ID: fileID(now), Name: clean, ContentType: contentType, UploadedBy: actor.User, Created: now}
	if err := s.store.PutAttachment(ctx, att, r, maxSize); errors.Is(err, store.ErrTooLarge) {
		return nil, fault.Fields(fieldError("file", CodeFileSize, lang))
	} else if err != nil {
		return nil, fmt.Errorf("add file %s to article %s: %w", clean, number, err)
	}
	ref := FileRef{Name: clean, Attachment: att.ID, ContentType: contentType, Size: att.Size, By: actor.User, At: now}
	err := s.changeFiles(ctx, number, func(list *fileList) error {
		if s.stamp().Sub(now) > UploadGrace/2 {
			// The purge may take content this old for a leftover of a
			// crash: listing it now could serve a file it deletes.
			return fmt.Errorf("upload started at %s: %w", now.Format(time.RFC3339), errUploadLate)
		}
		files := slices.Clone(list.Files)
		if i := slices.IndexFunc(files, func(f FileRef) bool { return f.Name == clean }); i >= 0 {
			list.Retired = append(list.Retired, retiredFile{Attachment: files[i].Attachment, At: now})
			files = slices.Delete(files, i, i+1)
		}
		if len(files) >= MaxFiles {
			return fault.Fields(fieldError("file", CodeFileCount, lang))
		}
		list.Files = append(files, ref)
		return nil
	})
	if err != nil {
		refused := len(fault.FieldsOf(err)) > 0 || errors.Is(err, errUploadLate) || errors.Is(err, fault.Conflict)
		if refused {
			// Nothing lists the content just stored: it goes with the refusal.
			if _, derr := s.store.DeleteFileAttachment(context.WithoutCancel(ctx), att.ID); derr != nil {
				s.log.WarnContext(ctx, "content of a refused article file left in storage; the purge removes it", "attachment", att.ID, "error", derr.Error())
			}
		} else {
			// The list's write may have landed with its answer lost: the
			// content stays, and the purge removes it after UploadGrace
			// unless a list names it.
			s.log.WarnContext(ctx, "article file not listed for sure; its content stays for the purge to decide", "attachment", att.ID, "error", err.Error())
		}
		if len(fault.FieldsOf(err)) > 0 {
			return nil, err
		}
		if errors.Is(err, errUploadLate) {
			err = fmt.Errorf("%w: %w", err, fault.Unavailable)
		}
		return nil, fmt.Errorf("add file %s to article %s: %w", clean, number, err)
	}
	s.log.InfoContext(ctx, "article file added", "article", number, "file", clean, "actor", actor.User)
	return &ref, nil
}

// RemoveFile removes the named file of the article. A file a version of
// the article shows or links (its body names it) stays: every version can
// be viewed and compared, with its images. The content is retired, for
// PurgeFiles. lang is the language of error messages.
func (s *Service) RemoveFile(ctx context.Context, actor *auth.Principal, number, name, lang string) error {
	if !MayWrite(actor) {
		return fmt.Errorf("remove file of article %s: %w", number, fault.Forbidden)
	}
	versions, err := s.Versions(ctx, actor, number)
	if err != nil {
		return err
	}
	for i := range versions {
		for _, t := range versions[i].Texts {
			if slices.Contains(fileRefs(t.Body), name) {
				return fault.Fields(fieldError("name", CodeFileInUse, lang))
			}
		}
	}
	err = s.changeFiles(ctx, number, func(list *fileList) error {
		i := slices.IndexFunc(list.Files, func(f FileRef) bool { return f.Name == name })
		if i < 0 {
			return fmt.Errorf("file %s of article %s: %w", name, number, fault.NotFound)
		}
		list.Retired = append(list.Retired, retiredFile{Attachment: list.Files[i].Attachment, At: s.stamp()})
		list.Files = slices.Delete(slices.Clone(list.Files), i, i+1)
		return nil
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "article file removed", "article", number, "file", name, "actor", actor.User)
	return nil
}

// changeFiles applies change to the article's list of files, stored by
// compare-and-set on its version and tried again when another change came
// first. An error of change is returned as it is, nothing stored.
func (s *Service) changeFiles(ctx context.Context, number string, change func(*fileList) error) error {
	for range casTries {
		var list fileList
		err := s.store.Get(ctx, FilesCollection, number, &list)
		fresh := errors.Is(err, store.ErrNotFound)
		if err != nil && !fresh {
			return fmt.Errorf("files of article %s: %w", number, err)
		}
		if fresh {
			list = fileList{Number: number, Version: 1}
		}
		if err := change(&list); err != nil {
			return err
		}
		if fresh {
			err = s.store.Insert(ctx, FilesCollection, &list)
		} else {
			_, err = s.store.Update(ctx, FilesCollection, number, list.Version, map[string]any{"$set": map[string]any{"files": list.Files, "retired": list.Retired}})
		}
		if errors.Is(err, store.ErrDuplicate) || errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("files of article %s: %w", number, err)
		}
		return nil
	}
	return fmt.Errorf("files of article %s: %w", number, fault.Conflict)
}

// Files lists the files of the article, if actor may read it, by name.
func (s *Service) Files(ctx context.Context, actor *auth.Principal, number string) ([]FileRef, error) {
	if _, err := s.Get(ctx, actor, number); err != nil {
		return nil, err
	}
	var list fileList
	err := s.store.Get(ctx, FilesCollection, number, &list)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("files of article %s: %w", number, err)
	}
	slices.SortFunc(list.Files, func(a, b FileRef) int { return strings.Compare(a.Name, b.Name) })
	return list.Files, nil
}

// File writes the named file of the article to w if actor (nil: a
// citizen) may read the article; otherwise, or when there is no such
// file, the error is fault.NotFound.
func (s *Service) File(ctx context.Context, actor *auth.Principal, number, name string, w io.Writer) (*FileRef, error) {
	files, err := s.Files(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	for i := range files {
		if files[i].Name != name {
			continue
		}
		att, err := s.store.Attachment(ctx, files[i].Attachment)
		if err != nil {
			return nil, fmt.Errorf("file %s of article %s: %w", name, number, err)
		}
		if err := s.store.WriteAttachment(ctx, att, w); err != nil {
			return nil, fmt.Errorf("file %s of article %s: %w", name, number, err)
		}
		return &files[i], nil
	}
	return nil, fmt.Errorf("file %s of article %s: %w", name, number, fault.NotFound)
}
