package asset_test

import (
	"testing"
	"time"

	"vorgang/core/asset"
)

// TestRemindDue walks a settable clock past a vehicle's inspection date:
// nothing before the reminder's 30 days, one reminder from then on however
// often the job runs, none for a retired vehicle, and a new one when the
// date is moved.
func TestRemindDue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	in := vehicle("Golf", "")
	in.Data["next_inspection"] = "2027-03-31"
	golf := f.mustCreate(t, in)
	old := vehicle("Käfer", "")
	old.Data["next_inspection"] = "2027-03-01"
	kaefer := f.mustCreate(t, old)
	if _, err := f.svc.Retire(ctx, writer, kaefer.Number, kaefer.Version, "de"); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(8 * time.Hour) // a morning in Berlin
	}
	for _, step := range []struct {
		now     string
		created int
		listed  int
	}{
		{"2027-02-28", 0, 0}, // 31 days before
		{"2027-03-01", 1, 1}, // 30 days before
		{"2027-03-02", 0, 1}, // reminded already
		{"2027-04-15", 0, 1}, // past: still listed until it changes
	} {
		n, err := f.svc.RemindDue(ctx, day(step.now))
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.Reminders(ctx, reader)
		if err != nil {
			t.Fatal(err)
		}
		if n != step.created || len(list) != step.listed {
			t.Fatalf("%s: %d recorded, %d listed; want %d, %d", step.now, n, len(list), step.created, step.listed)
		}
		if len(list) == 1 && (list[0].Number != golf.Number || list[0].Field != "next_inspection" || list[0].Date != "2027-03-31" || list[0].Name != "Golf") {
			t.Fatalf("%s: reminder %+v", step.now, list[0])
		}
	}
	// Inspected: the next date is a new reminder in its time.
	if _, err := f.svc.Update(ctx, writer, golf.Number, golf.Version, asset.Input{Data: map[string]any{"next_inspection": "2029-03-31"}}); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.svc.Reminders(ctx, reader); len(list) != 0 {
		t.Fatalf("the old date is still listed: %+v", list)
	}
	if n, _ := f.svc.RemindDue(ctx, day("2029-03-01")); n != 1 {
		t.Fatalf("the new date: %d reminders", n)
	}
	if _, err := f.svc.Reminders(ctx, nobody); err == nil {
		t.Fatal("reminders without asset.read")
	}
}
