package mailin

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vorgang/core/engine"
	"vorgang/core/store"
)

// shapeRecordsScan reads every record in pages, for a data subject's
// request: rare, so a scan.
const shapeRecordsScan = "mail_in_scan"

// subjectPage is how many records one read of SubjectRecords holds.
const subjectPage = 500

// SubjectRecords is the engine.SubjectSource of incoming mail: the records
// of messages whose sender or subject line names the data subject, with
// what the record keeps of the message (its sender, subject line, mailbox,
// Message-ID, what became of it and the ticket it went to).
func SubjectRecords(st Store) engine.SubjectSource {
	return func(ctx context.Context, match func(string) bool) ([]engine.SubjectRecord, error) {
		var out []engine.SubjectRecord
		err := subjectScan(ctx, st, match, func(r Record) error {
			fields := map[string]any{"mailbox": r.Mailbox, "message_id": r.MessageID, "outcome": r.Outcome}
			for k, v := range map[string]string{"from": r.From, "subject": r.Subject, "ticket": r.Ticket, "reason": r.Reason} {
				if v != "" {
					fields[k] = v
				}
			}
			out = append(out, engine.SubjectRecord{Kind: "mail_in", ID: r.Key, At: r.At, Fields: fields})
			return nil
		})
		return out, err
	}
}

// EraseSubject is the engine.SubjectEraser of incoming mail: of each
// record of a message whose sender or subject line names the data
// subject, it clears the sender and the subject line (theirs, as the
// message was), and a Message-ID or reason naming them. The record itself
// stays under its key (a digest of the mailbox and Message-ID): without it
// a message still in a folder would be filed again.
func EraseSubject(st Store) engine.SubjectEraser {
	return func(ctx context.Context, match func(string) bool) ([]engine.ErasedRecord, error) {
		var out []engine.ErasedRecord
		err := subjectScan(ctx, st, match, func(r Record) error {
			fields, err := eraseRecord(ctx, st, r, match)
			if err != nil {
				return err
			}
			if len(fields) > 0 {
				out = append(out, engine.ErasedRecord{Kind: "mail_in", ID: r.Key, Fields: fields})
			}
			return nil
		})
		return out, err
	}
}

// eraseRecord clears the fields of r naming the subject and lists them;
// a record changed meanwhile is read again, one gone is left.
func eraseRecord(ctx context.Context, st Store, r Record, match func(string) bool) ([]string, error) {
	for {
		unset := map[string]any{}
		var fields []string
		if r.From != "" {
			unset["from"], fields = "", append(fields, "from")
		}
		if r.Subject != "" {
			unset["subject"], fields = "", append(fields, "subject")
		}
		for k, v := range map[string]string{"message_id": r.MessageID, "reason": r.Reason} {
			if match(v) {
				unset[k], fields = "", append(fields, k)
			}
		}
		slices.Sort(fields)
		if len(fields) == 0 {
			return nil, nil
		}
		_, err := st.Update(ctx, recordsCollection, r.Key, r.Version, map[string]any{"$unset": unset})
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			if err != nil {
				return nil, fmt.Errorf("mailin: erase record %s: %w", r.Key, err)
			}
			return fields, nil
		}
		again, err := record(ctx, st, r.Key)
		if err != nil || again == nil {
			return nil, err
		}
		if !match(again.From) && !match(again.Subject) {
			return nil, nil
		}
		r = *again
	}
}

// subjectScan calls each for every record of a message whose sender or
// subject line names the data subject, reading the records in pages.
func subjectScan(ctx context.Context, st Store, match func(string) bool, each func(Record) error) error {
	for after := ""; ; {
		var page []Record
		if err := st.Find(ctx, recordsCollection, store.Find{Shape: shapeRecordsScan, After: after, Limit: subjectPage}, &page); err != nil {
			return fmt.Errorf("mailin: records naming a data subject: %w", err)
		}
		for _, r := range page {
			if !match(r.From) && !match(r.Subject) {
				continue
			}
			if err := each(r); err != nil {
				return err
			}
		}
		if len(page) < subjectPage {
			return nil
		}
		after = page[len(page)-1].Key
	}
}
