package asset

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
)

// RemindersCollection holds the reminders the reminder job recorded: one
// document per asset, field and date (its _id), so a run that finds a
// date already reminded of records nothing, however often it runs and on
// however many instances.
const RemindersCollection = "asset_reminders"

// shapeReminders reads every reminder; there is one per end date reached,
// a few per asset over its life.
const shapeReminders = "asset_reminders.all"

// Reminder is an end date of an asset that is near or past: a warranty, a
// contract, an inspection (definition.AssetReminder).
type Reminder struct {
	ID     string `bson:"_id" json:"-"`
	Number string `bson:"number" json:"number"`
	Class  string `bson:"class" json:"class"`
	// Name is the asset's name now; not stored.
	Name  string `bson:"-" json:"name"`
	Field string `bson:"field" json:"field"`
	// Date is the end date, as the field holds it (2027-03-31).
	Date string `bson:"date" json:"date"`
	// Recorded is when the job found the date within its days.
	Recorded time.Time `bson:"recorded" json:"recorded"`
}

// RemindDue records a reminder of every end date declared in a class's
// reminders that is at most days_before days after now (or already past)
// and not reminded of yet, for the assets that are not retired. It
// returns how many it recorded. A changed date is a new date and gets its
// own reminder. The app runs it under a lease (one instance at a time);
// the reminders' ids keep it idempotent even without one.
func (s *Service) RemindDue(ctx context.Context, now time.Time) (int, error) {
	cat := s.catalog()
	today := now.In(berlin).Format(time.DateOnly)
	n := 0
	for _, c := range cat.AssetClasses() {
		if len(c.Reminders) == 0 {
			continue
		}
		retired := RetiredStatus(c)
		q := Query{Class: c.ID.Value, Limit: MaxPage}
		for {
			page, next, err := s.searchRecords(ctx, q, recordFields)
			if err != nil {
				return n, fmt.Errorf("asset: reminders of %s: %w", c.ID.Value, err)
			}
			for _, a := range page {
				if a.Status == retired {
					continue
				}
				for _, rem := range c.Reminders {
					date, ok := a.Data[rem.Field.Value].(string)
					end, err := time.Parse(time.DateOnly, date)
					if !ok || err != nil {
						continue
					}
					if end.AddDate(0, 0, -rem.DaysBefore).Format(time.DateOnly) > today {
						continue
					}
					r := Reminder{ID: a.Number + "/" + rem.Field.Value + "/" + date, Number: a.Number, Class: a.Class,
						Field: rem.Field.Value, Date: date, Recorded: now.UTC().Truncate(time.Millisecond)}
					err = s.store.Insert(ctx, RemindersCollection, &r)
					switch {
					case errors.Is(err, store.ErrDuplicate):
						// Reminded of already.
					case err != nil:
						return n, fmt.Errorf("asset: record the reminder %s: %w", r.ID, err)
					default:
						n++
						s.log.InfoContext(ctx, "asset end date reached its reminder", "asset", a.Number, "field", rem.Field.Value, "date", date)
					}
				}
			}
			if next == "" {
				break
			}
			q.After = next
		}
	}
	return n, nil
}

// deleteReminders removes the reminders of a deleted asset.
func (s *Service) deleteReminders(ctx context.Context, number string) error {
	var list []Reminder
	if err := s.store.Find(ctx, RemindersCollection, store.Find{Shape: shapeReminders, Equal: []store.Condition{{Field: "number", Value: number}}}, &list); err != nil {
		return fmt.Errorf("asset: reminders of %s: %w", number, err)
	}
	for _, r := range list {
		if err := s.store.Delete(ctx, RemindersCollection, r.ID); err != nil {
			return fmt.Errorf("asset: delete a reminder of %s: %w", number, err)
		}
	}
	return nil
}

// Reminders lists the recorded reminders of assets that still exist and
// are not retired, earliest date first.
func (s *Service) Reminders(ctx context.Context, actor *auth.Principal) ([]Reminder, error) {
	if !MayRead(actor) {
		return nil, fmt.Errorf("asset reminders: %w", fault.Forbidden)
	}
	var all []Reminder
	if err := s.store.Find(ctx, RemindersCollection, store.Find{Shape: shapeReminders}, &all); err != nil {
		return nil, fmt.Errorf("asset: reminders: %w", err)
	}
	cat := s.catalog()
	var out []Reminder
	for _, r := range all {
		a, err := s.Asset(ctx, r.Number)
		if isNotFound(err) {
			continue // deleted since
		}
		if err != nil {
			return nil, err
		}
		c := cat.AssetClass(a.Class)
		if c == nil || a.Status == RetiredStatus(c) || a.Data[r.Field] != r.Date {
			continue // retired, or the date changed since: a new date has its own
		}
		r.Name = a.Name
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y Reminder) int {
		if x.Date != y.Date {
			return cmp.Compare(x.Date, y.Date)
		}
		return cmp.Compare(x.Number, y.Number)
	})
	return out, nil
}

// berlin is the time zone a day of the reminders is counted in: dates are
// the administration's days.
var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}()
