package definition_test

import (
	"fmt"
	"strings"
	"testing"

	"vorgang/core/definition"
)

// BenchmarkValidate100Files measures one Compile of a desk the size of a
// mid-sized city administration: 100 files (20 processes, 40 forms, SLAs,
// calendars, asset classes, roles, teams, notifications and Lua scripts).
// `vorgang validate` and every reload pay this; the target is well under
// 300 ms on one core.
func BenchmarkValidate100Files(b *testing.B) {
	l := newLoader(b)
	files := generateDesk(20, 40)
	if len(files) != 100 {
		b.Fatalf("generated %d files, want 100", len(files))
	}
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	cat, diags := l.Compile(files)
	if cat == nil || len(diags) > 0 {
		b.Fatalf("generated desk does not compile cleanly:\n%s", formatDiags(diags))
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if cat, _ := l.Compile(files); cat == nil {
			b.Fatal("Compile failed")
		}
	}
}

// TestGeneratedDeskCompiles keeps the benchmark's input honest: a desk that
// no longer compiles would benchmark the error path.
func TestGeneratedDeskCompiles(t *testing.T) {
	files := generateDesk(20, 40)
	cat, diags := compile(t, newLoader(t), files)
	if cat == nil || len(diags) > 0 {
		t.Fatalf("want no diagnostics, got:\n%s", formatDiags(diags))
	}
	if got := len(cat.Processes()); got != 20 {
		t.Errorf("%d processes, want 20", got)
	}
	if got := len(cat.Forms()); got != 40 {
		t.Errorf("%d forms, want 40", got)
	}
}

// Fixed parts of the generated desk.
var (
	benchAmter = []string{"buergerbuero", "ordnungsamt", "bauamt", "sozialamt", "jugendamt",
		"standesamt", "kaemmerei", "personalamt", "umweltamt", "schulamt"}
	benchRoles = []string{"sachbearbeitung", "teamleitung", "amtsleitung", "kasse", "pruefung",
		"bereitschaft", "auswertung", "vorzimmer"}
	benchScripts = []string{"zuweisen", "pruefen", "fristen", "berechnen", "protokoll", "aufraeumen"}
)

// generateDesk returns 100 definition files for processes processes and
// forms forms (forms must be 2 × processes: an opening form and a
// transition form each).
func generateDesk(processes, forms int) []definition.File {
	var files []definition.File
	add := func(path, text string) {
		files = append(files, definition.File{Path: path, Data: []byte(text)})
	}
	for i := range processes {
		add(fmt.Sprintf("processes/p%02d.yaml", i), benchProcess(i))
	}
	for i := range forms {
		add(fmt.Sprintf("forms/f%02d.yaml", i), benchForm(i))
	}
	for i := range 5 {
		add(fmt.Sprintf("processes/sla-%d.yaml", i), benchSLA(i))
	}
	for i := range 3 {
		add(fmt.Sprintf("processes/kalender-%d.yaml", i), benchCalendar(i))
	}
	for i := range 2 {
		add(fmt.Sprintf("processes/inventar-%d.yaml", i), benchAssetClass(i))
	}
	for i, r := range benchRoles {
		add(fmt.Sprintf("processes/rolle-%d.yaml", i), fmt.Sprintf(`apiVersion: vorgang/v1
kind: Role
id: %s
title: {de: "Rolle %s", en: "Role %s"}
permissions: [ticket.read_team, ticket.work, ticket.assign, ticket.comment_internal, ticket.approve]
`, r, r, r))
	}
	for i := range 8 {
		add(fmt.Sprintf("processes/team-%d.yaml", i), benchTeam(i))
	}
	for i := range 8 {
		add(fmt.Sprintf("processes/benachrichtigung-%d.yaml", i), benchNotification(i))
	}
	for _, s := range benchScripts {
		add("scripts/"+s+".lua", benchScript(s))
	}
	return files
}

func benchProcess(i int) string {
	amt := benchAmter[i%len(benchAmter)]
	var b strings.Builder
	fmt.Fprintf(&b, `# yaml-language-server: $schema=../../schemas/process.schema.json
apiVersion: vorgang/v1
kind: Process
id: p%02d
title: {de: "Antrag %d im %s", en: "Application %d"}
description:
  de: Ein Verwaltungsverfahren mit Prüfung, Genehmigung und Bescheid.
  en: An administrative procedure with review, approval and notice.
form: f%02d
audience: [citizen, staff]
roles: [sachbearbeitung, teamleitung]
team: team-%d
sla: sla-%d
default_priority: medium
priority_matrix:
  rows: auswirkung
  columns: dringlichkeit
  values:
    hoch: {hoch: critical, mittel: high, niedrig: medium}
    mittel: {hoch: high, mittel: medium, niedrig: low}
    niedrig: {hoch: medium, mittel: low, niedrig: low}
numbering: {prefix: P%02d, digits: 6, reset: yearly}
states:
  - {id: eingegangen, category: open, title: {de: Eingegangen, en: Received}}
  - {id: vorpruefung, category: open, title: {de: Vorprüfung, en: Pre-check}}
  - {id: nachforderung, category: open, sla: paused, title: {de: Unterlagen fehlen, en: Documents missing}}
  - {id: fachpruefung, category: open, title: {de: Fachprüfung, en: Review}}
  - {id: genehmigung, category: open, title: {de: In Genehmigung, en: Awaiting approval}}
  - {id: bescheid, category: resolved, sla: stopped, title: {de: Bescheid erteilt, en: Notice issued}}
  - {id: abgeschlossen, category: closed, title: {de: Abgeschlossen, en: Closed}}
  - {id: abgelehnt, category: cancelled, title: {de: Abgelehnt, en: Rejected}}
transitions:
`, i, i, amt, i, 2*i, i%8, i%5, i)
	steps := []struct{ id, from, to string }{
		{"annehmen", "eingegangen", "vorpruefung"},
		{"nachfordern", "vorpruefung", "nachforderung"},
		{"nachreichen", "nachforderung", "vorpruefung"},
		{"weiterleiten", "vorpruefung", "fachpruefung"},
		{"zurueck", "fachpruefung", "vorpruefung"},
		{"vorlegen", "fachpruefung", "genehmigung"},
		{"bescheiden", "genehmigung", "bescheid"},
		{"abschliessen", "bescheid", "abgeschlossen"},
		{"wiederaufnehmen", "bescheid", "fachpruefung"},
		{"ablehnen", "genehmigung", "abgelehnt"},
	}
	for j, s := range steps {
		fmt.Fprintf(&b, `  - id: %s
    title: {de: "Schritt %d", en: "Step %d"}
    from: [%s]
    to: %s
    roles: [sachbearbeitung, %s]
    comment: optional
    guard: {any: [{field: betrag, gte: 0}, {field: kategorie, in: [a, b, c]}]}
    hooks: {before: [pruefen], after: [protokoll]}
    actions:
      - notify: n%d
      - priority: medium
      - set: {schritt: %d}
`, s.id, j, j, s.from, s.to, benchRoles[1+j%(len(benchRoles)-1)], j%8, j)
		if s.id == "vorlegen" {
			fmt.Fprintf(&b, `    form: f%02d
    approval:
      amount_field: betrag
      chain:
        - {below: 5000, roles: [teamleitung]}
        - {below: 50000, roles: [teamleitung, amtsleitung]}
        - {roles: [teamleitung, amtsleitung, kasse]}
      reject_to: abgelehnt
`, 2*i+1)
		}
	}
	b.WriteString(`  - id: stornieren
    title: {de: Stornieren, en: Cancel}
    from: ["*"]
    to: abgelehnt
    roles: [requester, sachbearbeitung]
    actions:
      - close_children: true
hooks:
  on_create: zuweisen
  validate: pruefen
  compute: berechnen
  on_sla_warning: fristen
  on_sla_breach: fristen
jobs:
  - {id: aufraeumen, schedule: "15 2 * * *", script: aufraeumen, timeout: 5m}
  - {id: erinnerung, schedule: "0 8 * * 1-5", script: fristen}
`)
	return b.String()
}

func benchForm(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# yaml-language-server: $schema=../../schemas/form.schema.json
apiVersion: vorgang/v1
kind: Form
id: f%02d
title: {de: "Formular %d", en: "Form %d"}
layout: steps
validate: pruefen
sections:
  - id: angaben
    title: {de: Angaben, en: Details}
    fields:
      - {id: betreff, type: text, label: {de: Betreff, en: Subject}, required: true, min_length: 5, max_length: 200}
      - {id: beschreibung, type: textarea, label: {de: Beschreibung, en: Description}, max_length: 5000}
      - id: kategorie
        type: select
        label: {de: Kategorie, en: Category}
        required: true
        options:
          - {value: a, label: {de: Allgemein, en: General}}
          - {value: b, label: {de: Beschwerde, en: Complaint}}
          - {value: c, label: {de: Antrag, en: Application}}
      - id: auswirkung
        type: select
        label: {de: Auswirkung, en: Impact}
        options: [{value: hoch, label: Hoch}, {value: mittel, label: Mittel}, {value: niedrig, label: Niedrig}]
      - id: dringlichkeit
        type: select
        label: {de: Dringlichkeit, en: Urgency}
        options: [{value: hoch, label: Hoch}, {value: mittel, label: Mittel}, {value: niedrig, label: Niedrig}]
      - {id: frist, type: date, label: {de: Frist, en: Deadline}, min_date: today, visible_if: {field: kategorie, equals: c}}
      - {id: objekt, type: asset, label: Objekt, asset_class: inventar-%d}
  - id: positionen_abschnitt
    title: {de: Positionen, en: Items}
    fields:
      - id: positionen
        type: group
        label: Positionen
        max_items: 30
        fields:
          - {id: text, type: text, label: Text, required: true}
          - {id: menge, type: number, label: Menge, min: 0, step: 1}
          - {id: preis, type: number, label: Preis, unit: EUR, min: 0, step: 0.01}
      - {id: betrag, type: computed, label: Betrag, unit: EUR, compute: {sum_product: [positionen.menge, positionen.preis]}}
  - id: kontakt
    title: {de: Kontakt, en: Contact}
    visible_if: {not: {field: kategorie, equals: a}}
    fields:
      - {id: name, type: text, label: Name, autocomplete: name, personal: true}
      - {id: email, type: email, label: E-Mail, autocomplete: email, personal: true, required_if: {field: rueckruf, equals: false}}
      - {id: telefon, type: phone, label: Telefon, personal: true, pattern: "^[+0-9 /()-]{3,30}$"}
      - {id: rueckruf, type: checkbox, label: {de: Rückruf erwünscht, en: Call back}}
      - {id: bearbeiter, type: user, label: Bearbeitung, role: sachbearbeitung, team: team-%d}
      - {id: anlage, type: file, label: Anlagen, accept: [application/pdf, image/*], max_size: 10MB, max_items: 5}
`, i, i, i, i%2, i%8)
	return b.String()
}

func benchSLA(i int) string {
	return fmt.Sprintf(`apiVersion: vorgang/v1
kind: SLA
id: sla-%d
title: {de: "Servicezusage %d", en: "Service level %d"}
calendar: kalender-%d
warn_at: 80
targets:
  - {priority: critical, first_response: 1h, resolution: 1d}
  - {priority: high, first_response: 4h, resolution: 3d}
  - {priority: medium, first_response: 1d, resolution: 2w}
  - {priority: low, resolution: 4w}
escalations:
  - {on: warning, target: resolution, notify: n%d}
  - {on: breach, target: resolution, team: team-%d, priority: high}
`, i, i, i, i%3, i, (i+1)%8)
}

func benchCalendar(i int) string {
	return fmt.Sprintf(`apiVersion: vorgang/v1
kind: Calendar
id: kalender-%d
title: {de: "Dienstzeiten %d", en: "Office hours %d"}
timezone: Europe/Berlin
holidays: {country: DE, state: SN}
working_hours:
  monday: ["07:30-12:00", "12:30-16:00"]
  tuesday: ["07:30-12:00", "12:30-18:00"]
  wednesday: ["07:30-12:00"]
  thursday: ["07:30-12:00", "12:30-18:00"]
  friday: ["07:30-12:00"]
closed_days: ["2026-12-24", "2026-12-31"]
`, i, i, i)
}

func benchAssetClass(i int) string {
	return fmt.Sprintf(`apiVersion: vorgang/v1
kind: AssetClass
id: inventar-%d
title: {de: "Inventar %d", en: "Inventory %d"}
inventory_number: {prefix: INV%d, digits: 6}
statuses:
  - {id: lager, title: Lager}
  - {id: einsatz, title: Im Einsatz}
  - {id: ausgesondert, title: Ausgesondert}
fields:
  - {id: bezeichnung, type: text, label: Bezeichnung, required: true}
  - {id: anschaffung, type: date, label: Anschaffung}
  - {id: wert, type: number, label: Wert, unit: EUR}
relations:
  - {id: team, title: Team, target: team}
  - {id: teil_von, title: Teil von, target: asset, asset_class: inventar-%d}
`, i, i, i, i, (i+1)%2)
}

func benchTeam(i int) string {
	parent := ""
	if i > 0 {
		parent = fmt.Sprintf("parent: team-%d\n", (i-1)/2)
	}
	return fmt.Sprintf(`apiVersion: vorgang/v1
kind: Team
id: team-%d
title: {de: "%s", en: "Team %d"}
roles: [sachbearbeitung, %s]
email: team-%d@stadt.example
calendar: kalender-%d
%s`, i, benchAmter[i], i, benchRoles[1+i%(len(benchRoles)-1)], i, i%3, parent)
}

func benchNotification(i int) string {
	return fmt.Sprintf(`apiVersion: vorgang/v1
kind: Notification
id: n%d
title: {de: "Benachrichtigung %d", en: "Notification %d"}
event: manual
recipients: [requester, team, "role:%s"]
subject: {de: "Ihr Vorgang {{.Ticket.Number}}", en: "Your case {{.Ticket.Number}}"}
body:
  de: |
    Guten Tag {{.Requester.Name}},
    {{if .Ticket.Data.betrag}}Betrag: {{.Ticket.Data.betrag}} EUR{{end}}
    {{range .Ticket.Data.positionen}}- {{.text}}
    {{end}}Den Stand sehen Sie unter {{.Ticket.URL}}.
  en: "Hello {{.Requester.Name}}, see {{.Ticket.URL}}."
`, i, i, i, benchRoles[i])
}

func benchScript(name string) string {
	return fmt.Sprintf(`-- %s: generated for the benchmark.
local data = ticket.data
local summe = 0
for _, p in ipairs(data.positionen or {}) do
  summe = summe + (p.menge or 0) * (p.preis or 0)
end
if summe > 10000 and data.kategorie == "c" then
  ticket.set_team("team-1")
  ticket.comment(string.format("Betrag %%.2f EUR: an Team 1", summe), {internal = true})
elseif data.kategorie == "b" then
  ticket.set_priority("high")
end
local function frist(tage)
  return time.add_business_days(time.now(), tage, "kalender-0")
end
return {summe = summe, frist = frist(10)}
`, name)
}
