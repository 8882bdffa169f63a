package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Ranges of attachment ids, for the clean-up of what a crash in the middle
// of an upload leaves: a package whose attachment ids sort by the time of
// their upload ("kbfile-<time>-<random>") lists the records, and the
// chunks without a record, of the uploads older than a grace period, by a
// range of ids that ends at that time. The store cannot tell an upload in
// progress from one a crash cut off; the range decides.
const (
	shapeAttachmentRange = "attachments.id_range"
	shapeChunkRange      = "attachment_chunks.id_range"
)

// AttachmentIDs returns the ids of at most limit attachment records with
// from <= id < to and id > after, in order. On the embedded store it reads
// the _id index alone.
func (s *Store) AttachmentIDs(ctx context.Context, from, to, after string, limit int) ([]string, error) {
	ids, err := s.idRange(ctx, AttachmentsCollection, shapeAttachmentRange, from, to, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: attachment ids: %w", err)
	}
	return ids, nil
}

// DeleteLooseChunks deletes the chunks with from <= id < to whose
// attachment has no record: what a crash left of an upload (its chunks
// are written before its record) or of a deletion (its record goes
// first). It returns how many attachments' chunks it deleted. The caller
// chooses a range no upload in progress falls into.
func (s *Store) DeleteLooseChunks(ctx context.Context, from, to string) (int, error) {
	deleted, after := 0, ""
	for {
		ids, err := s.idRange(ctx, AttachmentChunksCollection, shapeChunkRange, from, to, after, 1000)
		if err != nil {
			return deleted, fmt.Errorf("store: loose chunks: %w", err)
		}
		if len(ids) == 0 {
			return deleted, nil
		}
		after = ids[len(ids)-1]
		byOwner := map[string][]string{}
		var owners []string
		for _, id := range ids {
			i := strings.LastIndexByte(id, '/')
			if i < 0 {
				continue
			}
			if _, ok := byOwner[id[:i]]; !ok {
				owners = append(owners, id[:i])
			}
			byOwner[id[:i]] = append(byOwner[id[:i]], id)
		}
		for _, owner := range owners {
			_, err := s.Attachment(ctx, owner)
			if err == nil {
				continue
			}
			if !errors.Is(err, ErrNotFound) {
				return deleted, fmt.Errorf("store: loose chunks of %s: %w", owner, err)
			}
			for _, id := range byOwner[owner] {
				if _, err := s.db.Collection(AttachmentChunksCollection).DeleteOne(ctx, byID(id)); err != nil {
					return deleted, fmt.Errorf("store: delete loose chunk %s: %w", id, s.classify(ctx, err))
				}
			}
			s.noteWritten(ctx)
			deleted++
		}
	}
}

// idRange returns the ids of at most limit documents of coll with
// from <= id < to and id > after, in order.
func (s *Store) idRange(ctx context.Context, coll, shapeName, from, to, after string, limit int) ([]string, error) {
	if _, err := s.schema.shape(coll, shapeName); err != nil {
		return nil, err
	}
	limit = max(1, min(limit, 1000))
	if after < from {
		after = ""
	}
	if s.sql != nil {
		q, args, err := s.idRangeSQL(ctx, coll, from, to, after, limit)
		if err != nil {
			return nil, err
		}
		return s.sql.queryIDs(ctx, q, args...)
	}
	lower := bson.E{Key: "$gte", Value: from}
	if after != "" {
		lower = bson.E{Key: "$gt", Value: after}
	}
	return s.findIDs(ctx, coll, bson.D{{Key: "_id", Value: bson.D{lower, {Key: "$lt", Value: to}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetComment(shapeName))
}

// idRangeSQL is idRange's query on the embedded store, a range of
// FerretDB's own _id index (field("_id") is its expression).
func (s *Store) idRangeSQL(ctx context.Context, coll, from, to, after string, limit int) (string, []any, error) {
	table, err := s.sql.table(ctx, coll)
	if err != nil {
		return "", nil, err
	}
	lower, op := from, ">="
	if after != "" {
		lower, op = after, ">"
	}
	jl, err := jsonValue(lower)
	if err != nil {
		return "", nil, err
	}
	jt, err := jsonValue(to)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("SELECT %s FROM %q WHERE %s %s ? AND %s < ? ORDER BY %s LIMIT %d",
		text("_id"), table, field("_id"), op, field("_id"), field("_id"), limit), []any{jl, jt}, nil
}
