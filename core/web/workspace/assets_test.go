package workspace_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/web/internal/webtest"
)

// assetEnv is the pages with the asset register, a building with a room
// and a laptop in that room assigned to ben. carla (IT second level) may
// write assets, ben (first level) read them, anna neither.
type assetEnv struct {
	*webtest.UIEnv
	room, laptop *asset.Asset
}

func newAssetPagesEnv(t *testing.T) *assetEnv {
	t.Helper()
	env := webtest.NewUIEnv(t, webtest.UIOptions{Assets: true})
	ctx := t.Context()
	carla, _ := env.Authn.Principal(ctx, "carla")
	mk := func(in asset.Input) *asset.Asset {
		a, err := env.Assets.Create(ctx, carla, in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	name := func(s string) *string { return &s }
	bld := mk(asset.Input{Class: "building", Name: name("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})
	room := mk(asset.Input{Class: "room", Name: name("Bürgerbüro"), Data: map[string]any{"room_number": "0.12", "usage": "citizen_service"},
		Relations: map[string][]string{"building": {bld.Number}}})
	laptop := mk(asset.Input{Class: "workstation", Name: name("Notebook Empfang"), Data: map[string]any{"device_type": "laptop", "serial_number": "SN-4711-XQ"},
		Relations: map[string][]string{"location": {room.Number}, "user": {"ben"}}})
	return &assetEnv{UIEnv: env, room: room, laptop: laptop}
}

func principal(t *testing.T, env *webtest.UIEnv, name string) *auth.Principal {
	t.Helper()
	p, err := env.Authn.Principal(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAssetListFilters: the list finds assets by class, status, location,
// assigned person and a text that may be a serial number; a location
// given in another case than stored is the same location.
func TestAssetListFilters(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("ben")
	for _, tt := range []struct {
		name, query string
		want, not   []string
	}{
		{"everything", "", []string{env.laptop.Number, env.room.Number}, nil},
		{"by class", "class=room", []string{env.room.Number}, []string{env.laptop.Number}},
		{"by serial number", "q=4711-xq", []string{env.laptop.Number}, []string{env.room.Number}},
		{"what is in the room", "in=" + strings.ToLower(env.room.Number), []string{env.laptop.Number}, []string{">" + env.room.Number + "<"}},
		{"assigned to ben", "user=ben", []string{env.laptop.Number}, []string{env.room.Number}},
		{"in the room and assigned to carla", "in=" + env.room.Number + "&user=carla", nil, []string{env.laptop.Number}},
		{"by status", "class=workstation&status=retired", nil, []string{env.laptop.Number}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := b.Get("/app/assets?" + tt.query)
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			list := p.Body
			if i := strings.Index(list, `id="asset-list"`); i >= 0 {
				list = list[i:]
			} else {
				list = ""
			}
			for _, w := range tt.want {
				if !strings.Contains(list, `/app/assets/`+w+`"`) {
					t.Errorf("the list lacks %s", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(list, `/app/assets/`+strings.Trim(n, "<>")+`"`) {
					t.Errorf("the list shows %s", n)
				}
			}
		})
	}
	// The export of the filtered list is the CSV of its class.
	p := b.Get("/app/assets/export?class=workstation&q=4711")
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") || !strings.Contains(p.Body, "SN-4711-XQ") {
		t.Fatalf("export: %d %s\n%s", p.Status, p.Header.Get("Content-Type"), p.Body)
	}
	if lines := strings.Count(strings.TrimSpace(p.Body), "\n"); lines != 1 {
		t.Errorf("export has %d rows, want 1:\n%s", lines, p.Body)
	}
}

// TestAssetPageShowsBothWays: an asset's page shows its relations as
// links, what points at it, its linked tickets with a count of those the
// viewer may not see, and its history.
func TestAssetPageShowsBothWays(t *testing.T) {
	env := newAssetPagesEnv(t)
	ctx := t.Context()
	// A citizen's request for the roads office links the laptop: ben may
	// not see it.
	root := principal(t, env.UIEnv, "root")
	cz := webtest.CitizenRequestIn(t, env.UIEnv, false)
	if _, err := env.Eng.LinkAsset(ctx, root, cz.Number, 0, env.laptop.Number); err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("ben")
	room := b.Get("/app/assets/" + env.room.Number)
	if room.Status != http.StatusOK {
		t.Fatalf("room page: %d", room.Status)
	}
	if !strings.Contains(room.Body, `href="/app/assets/`+env.laptop.Number+`"`) {
		t.Errorf("the room's page does not list the laptop in it")
	}
	laptop := b.Get("/app/assets/" + env.laptop.Number)
	for _, want := range []string{
		`href="/app/assets/` + env.room.Number + `"`, // its location
		`href="/app/assets?user=ben"`,                // what else ben has
		`id="asset-tickets-hidden"`,                  // the ticket ben may not see
		`SN-4711-XQ`,
		`id="asset-history"`,
	} {
		if !strings.Contains(laptop.Body, want) {
			t.Errorf("the laptop's page lacks %s", want)
		}
	}
	if strings.Contains(laptop.Body, cz.Number) {
		t.Errorf("the laptop's page names a ticket ben may not see")
	}
	if strings.Contains(laptop.Body, `id="asset-edit"`) {
		t.Errorf("a reader is offered the edit")
	}
	if p := b.Get("/app/assets/" + env.laptop.Number + "/edit"); p.Status != http.StatusForbidden {
		t.Errorf("a reader's edit page: %d, want 403", p.Status)
	}
}

// TestAssetEditConflict: a save of the version the form was shown at
// wins; a save of an older version is a conflict that keeps the input
// and shows what is stored now, and saving again then overwrites.
func TestAssetEditConflict(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("carla")
	edit := "/app/assets/" + env.laptop.Number + "/edit"
	form := b.Get(edit)
	if form.Status != http.StatusOK {
		t.Fatalf("edit page: %d", form.Status)
	}
	action := webtest.HTMLUnescape(attrAfter(form.Body, `<form method="post" class="vg-form"`, "action"))
	post := url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "asset_name": {"Notebook Empfang 2"}, "asset_status": {"in_use"},
		"device_type": {"laptop"}, "serial_number": {"SN-4711-XQ"}, "asset_rel_location": {env.room.Number}, "asset_rel_user": {"ben"}}
	// Someone else saves first.
	carla := principal(t, env.UIEnv, "carla")
	other := "Notebook Pforte"
	if _, err := env.Assets.Update(t.Context(), carla, env.laptop.Number, env.laptop.Version, asset.Input{Name: &other}); err != nil {
		t.Fatal(err)
	}
	res := b.Post(action, post)
	if res.Status != http.StatusConflict {
		t.Fatalf("stale save: %d, want 409\n%s", res.Status, res.Body)
	}
	for _, want := range []string{`id="asset-conflict"`, `value="Notebook Empfang 2"`, `Notebook Pforte`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the conflict page lacks %s", want)
		}
	}
	// Saving the form the conflict page shows is a decision: it wins.
	again := webtest.HTMLUnescape(attrAfter(res.Body, `<form method="post" class="vg-form"`, "action"))
	res = b.Post(again, post)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save after the conflict: %d\n%s", res.Status, res.Body)
	}
	got, _ := env.Assets.Get(t.Context(), carla, env.laptop.Number)
	if got.Name != "Notebook Empfang 2" || got.Version != 3 {
		t.Errorf("stored %q at version %d", got.Name, got.Version)
	}
	// A field error of the register is shown at its field.
	post.Set("asset_rel_location", "RAUM99999")
	form = b.Get(edit)
	post.Set("_csrf", webtest.Hidden(t, form.Body, "_csrf"))
	res = b.Post(webtest.HTMLUnescape(attrAfter(form.Body, `<form method="post" class="vg-form"`, "action")), post)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Errorf("unknown location: %d\n%s", res.Status, res.Body)
	}
	// A post without the version is malformed, never a blind overwrite.
	if res := b.Post(edit, post); res.Status != http.StatusBadRequest {
		t.Errorf("save without a version: %d, want 400", res.Status)
	}
}

// TestAssetRetireWarns: retiring a room with a laptop in it is done and
// names the laptop still pointing at it.
func TestAssetRetireWarns(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("carla")
	page := b.Get("/app/assets/" + env.room.Number)
	res := b.Post("/app/assets/"+env.room.Number+"/retire", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}})
	if res.Status != http.StatusOK {
		t.Fatalf("retire: %d\n%s", res.Status, res.Body)
	}
	warn := res.Body[strings.Index(res.Body, `id="still-referenced"`):]
	if !strings.Contains(warn, env.laptop.Number) {
		t.Errorf("the retirement does not name the laptop still in the room")
	}
	// The same version again is a conflict.
	if res := b.Post("/app/assets/"+env.room.Number+"/retire", url.Values{"_csrf": {webtest.Hidden(t, page.Body, "_csrf")}, "_version": {webtest.Hidden(t, page.Body, "_version")}}); res.Status != http.StatusConflict {
		t.Errorf("retire of an old version: %d, want 409", res.Status)
	}
}

// TestAssetImportPage: a file with bad rows is answered with a table of
// its errors by line and column and writes nothing; a clean file is
// checked first and imported on the second step.
func TestAssetImportPage(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("carla")
	page := b.Get("/app/assets/import")
	if page.Status != http.StatusOK {
		t.Fatalf("import page: %d", page.Status)
	}
	csrf := webtest.Hidden(t, page.Body, "_csrf")
	bad := "name;device_type;serial_number;location\nPC 1;pc;S1;RAUM99999\n;laptop;S2;\n"
	res := b.PostMultipart("/app/assets/import", url.Values{"_csrf": {csrf}, "step": {"check"}, "class": {"workstation"}},
		webtest.FilePart{Field: "file", Name: "geraete.csv", Data: []byte(bad)})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d\n%s", res.Status, res.Body)
	}
	table := res.Body[strings.Index(res.Body, `id="import-errors"`):]
	for _, want := range []string{"<td>2</td><td>location</td><td><code>unknown_reference</code>", "<td>3</td><td>name</td><td><code>required</code>"} {
		if !strings.Contains(table, want) {
			t.Errorf("the error table lacks %s:\n%s", want, table)
		}
	}
	good := "name;device_type;serial_number;location\nPC 1;pc;S1;" + env.room.Number + "\nPC 2;PC;S2;\n"
	res = b.PostMultipart("/app/assets/import", url.Values{"_csrf": {csrf}, "step": {"check"}, "class": {"workstation"}},
		webtest.FilePart{Field: "file", Name: "geraete.csv", Data: []byte(good)})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="import-apply"`) {
		t.Fatalf("clean file: %d\n%s", res.Status, res.Body)
	}
	carla := principal(t, env.UIEnv, "carla")
	if rows, _, _ := env.Assets.Search(t.Context(), carla, asset.Query{Class: "workstation"}); len(rows) != 1 {
		t.Fatalf("the check wrote: %d workstations", len(rows))
	}
	upload := webtest.Hidden(t, res.Body, "upload")
	// Someone else's checked file cannot be imported.
	other := env.Browser(t)
	other.Login("root")
	op := other.Get("/app/assets/import")
	if res := other.Post("/app/assets/import", url.Values{"_csrf": {webtest.Hidden(t, op.Body, "_csrf")}, "step": {"apply"}, "class": {"workstation"}, "upload": {upload}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("another person's upload: %d, want 422", res.Status)
	}
	res = b.Post("/app/assets/import", url.Values{"_csrf": {csrf}, "step": {"apply"}, "class": {"workstation"}, "upload": {upload}})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="import-report"`) {
		t.Fatalf("apply: %d\n%s", res.Status, res.Body)
	}
	if rows, _, _ := env.Assets.Search(t.Context(), carla, asset.Query{Class: "workstation"}); len(rows) != 3 {
		t.Errorf("after the import: %d workstations, want 3", len(rows))
	}
}

// TestAssetLabels: the label sheet draws a QR code per chosen asset,
// with its number, and links the asset's page.
func TestAssetLabels(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("ben")
	p := b.Get("/app/assets/labels?number=" + env.laptop.Number + "&number=" + strings.ToLower(env.room.Number))
	if p.Status != http.StatusOK {
		t.Fatalf("labels: %d", p.Status)
	}
	if n := strings.Count(p.Body, `<svg class="vg-label-qr"`); n != 2 {
		t.Errorf("%d QR codes, want 2", n)
	}
	for _, want := range []string{env.laptop.Number, env.room.Number} {
		if !strings.Contains(p.Body, `<strong class="vg-number">`+want+`</strong>`) {
			t.Errorf("the sheet lacks %s", want)
		}
	}
	// Without a configured address the labels link the address asked.
	if !strings.Contains(p.Body, `data-url="`+env.Base+`/app/assets/`+env.laptop.Number+`"`) {
		t.Errorf("the label does not link the asset's page at %s", env.Base)
	}
}

// TestAssetLabelsUseTheBaseURL: a label links the asset's page at the
// configured public address, not at the one the server was asked under
// (behind a proxy, that is an internal one).
func TestAssetLabelsUseTheBaseURL(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{Assets: true, BaseURL: "https://vorgang.example.org/"})
	carla := principal(t, env, "carla")
	name := "Notebook"
	a, err := env.Assets.Create(t.Context(), carla, asset.Input{Class: "workstation", Name: &name, Data: map[string]any{"device_type": "laptop"}})
	if err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("ben")
	p := b.Get("/app/assets/labels?number=" + a.Number)
	if !strings.Contains(p.Body, `data-url="https://vorgang.example.org/app/assets/`+a.Number+`"`) {
		t.Errorf("the label does not link the configured address:\n%s", p.Body)
	}
}

// attrAfter returns the value of attribute attr in the first tag that
// starts with prefix.
func attrAfter(body, prefix, attr string) string {
	i := strings.Index(body, prefix)
	if i < 0 {
		return ""
	}
	tag := body[i:]
	tag = tag[:strings.Index(tag, ">")]
	j := strings.Index(tag, attr+`="`)
	if j < 0 {
		return ""
	}
	v := tag[j+len(attr)+2:]
	return v[:strings.Index(v, `"`)]
}

// TestAssetDeletePage: an administrator deletes an asset after ticking
// the confirmation; one still pointed at is refused with the numbers of
// those pointing at it.
func TestAssetDeletePage(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("root")
	page := b.Get("/app/assets/" + env.laptop.Number)
	csrf := webtest.Hidden(t, page.Body, "_csrf")
	if res := b.Post("/app/assets/"+env.laptop.Number+"/delete", url.Values{"_csrf": {csrf}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("without the confirmation: %d, want 422", res.Status)
	}
	res := b.Post("/app/assets/"+env.room.Number+"/delete", url.Values{"_csrf": {csrf}, "confirm": {"yes"}})
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, env.laptop.Number) {
		t.Errorf("a room with a laptop in it: %d", res.Status)
	}
	res = b.Post("/app/assets/"+env.laptop.Number+"/delete", url.Values{"_csrf": {csrf}, "confirm": {"yes"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", res.Status, res.Body)
	}
	if p := b.Get("/app/assets/" + env.laptop.Number); p.Status != http.StatusNotFound {
		t.Errorf("the deleted asset's page: %d", p.Status)
	}
	if p := b.Get("/admin/audit"); !strings.Contains(p.Body, "Inventarstück gelöscht") || strings.Contains(p.Body, env.laptop.Number) {
		t.Errorf("the audit log does not record the deletion, or names the asset")
	}
}

// TestAssetsOfDisabledUsersPage lists what a disabled person still has.
func TestAssetsOfDisabledUsersPage(t *testing.T) {
	env := newAssetPagesEnv(t)
	ctx := t.Context()
	u, err := env.Authn.User(ctx, "ben")
	if err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("lea")
	if p := b.Get("/app/assets/reports/disabled-users"); p.Status != http.StatusOK || !strings.Contains(p.Body, `id="disabled-users-empty"`) {
		t.Fatalf("before: %d", p.Status)
	}
	off := true
	if _, err := env.Authn.UpdateUser(ctx, "ben", u.Version, auth.UserChange{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	p := b.Get("/app/assets/reports/disabled-users")
	if !strings.Contains(p.Body, `href="/app/assets/`+env.laptop.Number+`"`) || !strings.Contains(p.Body, `href="/app/assets?user=ben"`) {
		t.Errorf("the report lacks ben's laptop:\n%s", p.Body)
	}
}

// TestAssetRemindersPage lists an end date the reminder job found.
func TestAssetRemindersPage(t *testing.T) {
	env := newAssetPagesEnv(t)
	ctx := t.Context()
	carla := principal(t, env.UIEnv, "carla")
	name := "Diensthandy Pforte"
	phone, err := env.Assets.Create(ctx, carla, asset.Input{Class: "phone", Name: &name, Data: map[string]any{"phone_type": "mobile", "contract_end": "2027-05-31"}})
	if err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("ben")
	if p := b.Get("/app/assets/reports/reminders"); !strings.Contains(p.Body, `id="asset-reminders-empty"`) {
		t.Fatalf("before the job: %d", p.Status)
	}
	if _, err := env.Assets.RemindDue(ctx, time.Date(2027, 3, 15, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	p := b.Get("/app/assets/reports/reminders")
	if !strings.Contains(p.Body, `href="/app/assets/`+phone.Number+`"`) || !strings.Contains(p.Body, "2027-05-31") || !strings.Contains(p.Body, "Mobilfunkvertrag läuft aus") {
		t.Errorf("the reminder is not listed:\n%s", p.Body)
	}
}

// TestAssetNewPage: a new room is created from its page, in its
// building, and the page of the new room follows.
func TestAssetNewPage(t *testing.T) {
	env := newAssetPagesEnv(t)
	b := env.Browser(t)
	b.Login("carla")
	form := b.Get("/app/assets/new?class=room")
	if form.Status != http.StatusOK {
		t.Fatalf("new page: %d", form.Status)
	}
	action := strings.TrimSpace(webtest.HTMLUnescape(attrAfter(form.Body, `<form method="post" class="vg-form"`, "action")))
	res := b.Post(action, url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "asset_name": {"Serverraum"}, "asset_status": {"in_use"},
		"room_number": {"-1.04"}, "usage": {"server"}, "asset_rel_building": {env.room.Relations["building"][0]}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/app/assets/RAUM") {
		t.Fatalf("create: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	page := b.Get(strings.SplitN(res.Location, "?", 2)[0])
	if !strings.Contains(page.Body, "Serverraum") || !strings.Contains(page.Body, `href="/app/assets/`+env.room.Relations["building"][0]+`"`) {
		t.Errorf("the new room's page:\n%s", page.Body)
	}
}
