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
// It runs hourly under the lease of the outbox purge (core/app). The
// content goes before its entry: a crash between leaves an entry whose
// content is gone already, which the next run drops.
func (s *Service) PurgeFiles(ctx context.Context, cutoff time.Time) (int, error) {
	var lists []fileList
	if err := s.store.Find(ctx, FilesCollection, store.Find{Shape: shapeFilesAll}, &lists); err != nil {
		return 0, fmt.Errorf("purge article files: %w", err)
	}
	numbers := make([]string, len(lists))
	for i := range lists {
		numbers[i] = lists[i].Number
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
	return deleted, nil
}
