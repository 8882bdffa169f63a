package knowledge

import (
	"context"
	"fmt"
	"slices"
	"time"

	"vorgang/core/store"
)

// PurgeFiles deletes from the attachment storage the content of article
// files that no address serves any more: the earlier content of a file
// replaced by an upload of its name and a removed file (RemoveFile), each
// retired at or before cutoff, and every file of an article that no
// longer exists. It returns how many it deleted. What a version of an
// article shows is never among them: a file a version names stays listed
// (RemoveFile refuses it), and an image is served by its name, so every
// version shows the file's current content.
//
// It also deletes what a crash in the middle of an upload left, once it
// is older than UploadGrace before cutoff: content whose list of files
// was never written (AddFile stores the content first), and chunks
// without their attachment record (PutAttachment writes the chunks
// first; a deletion removes the record first). Content a list names,
// as a file or retired, is never taken for a leftover.
//
// It runs hourly under the lease of the outbox purge (core/app). The
// content goes before its entry: a crash between leaves an entry whose
// content is gone already, which the next run drops.
func (s *Service) PurgeFiles(ctx context.Context, cutoff time.Time) (int, error) {
	var lists []fileList
	if err := s.store.Find(ctx, FilesCollection, store.Find{Shape: shapeFilesAll}, &lists); err != nil {
		return 0, fmt.Errorf("purge article files: %w", err)
	}
	// Read before any leftover is looked for: content older than the
	// grace that no list names now is named by none later (AddFile
	// refuses to list it).
	named := map[string]bool{}
	numbers := make([]string, len(lists))
	for i := range lists {
		numbers[i] = lists[i].Number
		for _, f := range lists[i].Files {
			named[f.Attachment] = true
		}
		for _, r := range lists[i].Retired {
			named[r.Attachment] = true
		}
	}
	var articles []Article
	if err := s.store.GetMany(ctx, ArticlesCollection, numbers, &articles); err != nil {
		return 0, fmt.Errorf("purge article files: %w", err)
	}
	exists := make(map[string]bool, len(articles))
	for i := range articles {
		exists[articles[i].Number] = true
	}
	deleted := 0
	for i := range lists {
		l := &lists[i]
		var gone []string
		for _, r := range l.Retired {
			if !r.At.After(cutoff) || !exists[l.Number] {
				gone = append(gone, r.Attachment)
			}
		}
		if !exists[l.Number] {
			for _, f := range l.Files {
				gone = append(gone, f.Attachment)
			}
		}
		if len(gone) == 0 {
			continue
		}
		for _, id := range gone {
			ok, err := s.store.DeleteFileAttachment(ctx, id)
			if err != nil {
				return deleted, fmt.Errorf("purge files of article %s: %w", l.Number, err)
			}
			if ok {
				deleted++
			}
		}
		if !exists[l.Number] {
			if err := s.store.Delete(ctx, FilesCollection, l.Number); err != nil {
				return deleted, fmt.Errorf("purge files of article %s: %w", l.Number, err)
			}
			continue
		}
		err := s.changeFiles(ctx, l.Number, func(list *fileList) error {
			var keep []retiredFile
			for _, r := range list.Retired {
				if !slices.Contains(gone, r.Attachment) {
					keep = append(keep, r)
				}
			}
			list.Retired = keep
			return nil
		})
		if err != nil {
			return deleted, fmt.Errorf("purge files of article %s: %w", l.Number, err)
		}
	}
	n, err := s.purgeLeftovers(ctx, cutoff.Add(-UploadGrace), named)
	return deleted + n, err
}

// purgeLeftovers deletes the content of article files uploaded before
// `before` that no list names, and chunks of article files without their
// record, found by the range of attachment ids their upload time gives.
func (s *Service) purgeLeftovers(ctx context.Context, before time.Time, named map[string]bool) (int, error) {
	to := fileIDPrefix + fileIDTime(before)
	deleted, after := 0, ""
	for {
		ids, err := s.store.AttachmentIDs(ctx, fileIDPrefix, to, after, 500)
		if err != nil {
			return deleted, fmt.Errorf("purge leftovers of article files: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		for _, id := range ids {
			if named[id] {
				continue
			}
			ok, err := s.store.DeleteFileAttachment(ctx, id)
			if err != nil {
				return deleted, fmt.Errorf("purge leftover %s of an article file: %w", id, err)
			}
			if ok {
				s.log.InfoContext(ctx, "content of an article file no list names deleted", "attachment", id)
				deleted++
			}
		}
	}
	n, err := s.store.DeleteLooseChunks(ctx, fileIDPrefix, to)
	if err != nil {
		return deleted + n, fmt.Errorf("purge leftovers of article files: %w", err)
	}
	if n > 0 {
		s.log.InfoContext(ctx, "chunks of article files without a record deleted", "attachments", n)
	}
	return deleted + n, nil
}
