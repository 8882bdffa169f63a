package mailin

import (
	"context"
	"fmt"

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
		for after := ""; ; {
			var page []Record
			if err := st.Find(ctx, recordsCollection, store.Find{Shape: shapeRecordsScan, After: after, Limit: subjectPage}, &page); err != nil {
				return nil, fmt.Errorf("mailin: records naming a data subject: %w", err)
			}
			for _, r := range page {
				if !match(r.From) && !match(r.Subject) {
					continue
				}
				fields := map[string]any{"mailbox": r.Mailbox, "message_id": r.MessageID, "outcome": r.Outcome}
				for k, v := range map[string]string{"from": r.From, "subject": r.Subject, "ticket": r.Ticket, "reason": r.Reason} {
					if v != "" {
						fields[k] = v
					}
				}
				out = append(out, engine.SubjectRecord{Kind: "mail_in", ID: r.Key, At: r.At, Fields: fields})
			}
			if len(page) < subjectPage {
				return out, nil
			}
			after = page[len(page)-1].Key
		}
	}
}
