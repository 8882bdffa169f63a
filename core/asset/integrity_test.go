package asset_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
)

// placesYAML declares places that may be inside each other (containment,
// retiring one still containing another is refused) and devices standing
// at a place (retiring the place is only warned about).
const placesYAML = `apiVersion: vorgang/v1
kind: AssetClass
id: place
title: {de: Ort, en: Place}
statuses:
  - {id: in_use, title: In Nutzung}
  - {id: retired, title: Aufgegeben}
relations:
  - {id: in, title: In, target: asset, asset_class: place, containment: true, on_retire: refuse}
---
apiVersion: vorgang/v1
kind: AssetClass
id: device
title: {de: Gerät, en: Device}
statuses:
  - {id: in_use, title: Im Einsatz}
  - {id: retired, title: Ausgesondert}
fields:
  - {id: serial, type: text, label: {de: Seriennummer, en: Serial number}}
  - {id: notes, type: textarea, label: Notizen}
  - id: kind
    type: select
    label: {de: Art, en: Kind}
    options:
      - {value: laser, label: {de: Laserdrucker, en: Laser printer}}
      - {value: inkjet, label: {de: Tintenstrahldrucker, en: Inkjet printer}}
  - id: extras
    type: multiselect
    label: {de: Ausstattung, en: Extras}
    options:
      - {value: duplex, label: {de: Beidseitig, en: Duplex}}
      - {value: wifi, label: WLAN}
  - {id: weight, type: number, label: {de: Gewicht, en: Weight}, unit: kg}
relations:
  - {id: at, title: Standort, target: asset, asset_class: place, containment: true}
`

func placesFixture(t *testing.T) *fixture {
	t.Helper()
	files := append(testkit.DeskFiles(t), definition.File{Path: "processes/test/places.yaml", Data: []byte(placesYAML)})
	return fixtureWith(t, t.TempDir(), nil, testkit.Compile(t, files))
}

func place(number string, in ...string) asset.Input {
	a := asset.Input{Class: "place", Number: number, Name: ptr("Ort " + number)}
	if len(in) > 0 {
		a.Relations = map[string][]string{"in": in}
	}
	return a
}

// TestReferentialIntegrity: containment refuses self-references and
// cycles, a retired asset cannot become a target, and retiring a target
// still referenced is refused or warned about as the relation declares.
func TestReferentialIntegrity(t *testing.T) {
	t.Parallel()
	f := placesFixture(t)
	ctx := t.Context()
	site := f.mustCreate(t, place("SITE"))
	hall := f.mustCreate(t, place("HALL", "SITE"))
	room := f.mustCreate(t, place("ROOM", "hall"))
	dev := f.mustCreate(t, asset.Input{Class: "device", Number: "DEV", Name: ptr("Drucker"), Relations: map[string][]string{"at": {"ROOM"}}})

	refusals := []struct {
		name string
		run  func() error
		want []string
	}{
		{"a place inside itself", func() error {
			_, err := f.svc.Update(ctx, writer, "ROOM", room.Version, asset.Input{Relations: map[string][]string{"in": {"room"}}})
			return err
		}, []string{"relations.in:self_reference"}},
		{"a new place inside itself", func() error {
			_, err := f.svc.Create(ctx, writer, place("NEW", "NEW"))
			return err
		}, []string{"relations.in:self_reference"}},
		{"a cycle through others", func() error {
			_, err := f.svc.Update(ctx, writer, "SITE", site.Version, asset.Input{Relations: map[string][]string{"in": {"ROOM"}}})
			return err
		}, []string{"relations.in:containment_cycle"}},
		{"retiring a place another place is in (refuse)", func() error {
			_, err := f.svc.Retire(ctx, writer, "HALL", hall.Version, "en")
			return err
		}, []string{"status:still_referenced"}},
		{"retiring it by an edit of the status", func() error {
			_, err := f.svc.Update(ctx, writer, "HALL", hall.Version, asset.Input{Status: ptr("retired")})
			return err
		}, []string{"status:still_referenced"}},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(tt.run()); !slices.Equal(got, tt.want) {
				t.Fatalf("codes %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("retiring a place only devices stand at warns", func(t *testing.T) {
		r, err := f.svc.Retire(ctx, writer, "ROOM", room.Version, "en")
		if err != nil || r.Status != "retired" || len(r.StillReferenced) != 1 || r.StillReferenced[0].Number != dev.Number {
			t.Fatalf("retire: %+v, %v", r, err)
		}
		refs, err := f.svc.Referrers(ctx, reader, "room")
		if err != nil || len(refs) != 1 || refs[0].Number != dev.Number {
			t.Fatalf("referrers: %v, %v", refs, err)
		}
	})
	t.Run("a retired place cannot become a target", func(t *testing.T) {
		_, err := f.svc.Create(ctx, writer, asset.Input{Class: "device", Name: ptr("Neu"), Relations: map[string][]string{"at": {"ROOM"}}})
		if got := codes(err); !slices.Equal(got, []string{"relations.at:retired"}) {
			t.Fatalf("codes %v (%v)", got, err)
		}
		rep, err := f.svc.Import(ctx, writer, strings.NewReader("name,at\nNeu,ROOM\n"), asset.ImportOptions{Class: "device"})
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Code != asset.CodeRetired || rep.Errors[0].Column != "at" {
			t.Fatalf("import: %+v, %v", rep, err)
		}
	})
	t.Run("an asset already pointing at a retired place stays editable", func(t *testing.T) {
		d, err := f.svc.Update(ctx, writer, dev.Number, dev.Version, asset.Input{Name: ptr("Drucker 2"), Relations: map[string][]string{"at": {"ROOM"}}})
		if err != nil || d.Name != "Drucker 2" {
			t.Fatalf("edit: %+v, %v", d, err)
		}
	})
	t.Run("a retired asset cannot be linked to a ticket", func(t *testing.T) {
		if err := f.svc.LinkTicket(ctx, writer, "ROOM", "INC-2026-000001"); !errors.Is(err, fault.Invalid) {
			t.Fatalf("link: %v", err)
		}
	})
	t.Run("files", func(t *testing.T) {
		f.mustCreate(t, place("CELLAR", "HALL"))
		rep, err := f.svc.Import(ctx, writer, strings.NewReader("inventory_number,name,in\nA,A,B\nB,B,A\n"), asset.ImportOptions{Class: "place", DryRun: true})
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.Errors[0].Code != asset.CodeContainmentCycle {
			t.Fatalf("a cycle between two rows: %+v, %v", rep, err)
		}
		rep, err = f.svc.Import(ctx, writer, strings.NewReader("inventory_number,status\nHALL,retired\n"), asset.ImportOptions{Class: "place", DryRun: true})
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Code != asset.CodeStillReferenced || rep.Errors[0].Line != 2 {
			t.Fatalf("retiring a place another is in: %+v, %v", rep, err)
		}
		f.mustCreate(t, place("SHED"))
		f.mustCreate(t, asset.Input{Class: "device", Name: ptr("Rasenmäher"), Relations: map[string][]string{"at": {"SHED"}}})
		rep, err = f.svc.Import(ctx, writer, strings.NewReader("inventory_number,status\nSHED,Aufgegeben\n"), asset.ImportOptions{Class: "place", DryRun: true})
		if err != nil || len(rep.Errors) != 0 || len(rep.Warnings) != 1 || rep.Warnings[0].Code != asset.CodeStillReferenced || rep.Warnings[0].Line != 2 {
			t.Fatalf("retiring a place a device stands at warns: %+v, %v", rep, err)
		}
		rep, err = f.svc.Import(ctx, writer, strings.NewReader("inventory_number,status,in\nHALL,retired,\nCELLAR,,SITE\n"), asset.ImportOptions{Class: "place"})
		if err != nil || len(rep.Errors) != 0 || rep.Updated != 2 {
			t.Fatalf("retiring a place whose contents move in the same file: %+v, %v", rep, err)
		}
	})
}
