package api_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"vorgang/core/store/storetest"
	"vorgang/core/web/internal/webtest"
)

// citizenRequest is the data a citizen sends to the city.
func citizenRequest(name, email, description string) map[string]any {
	return map[string]any{"process": "citizen-request", "data": map[string]any{
		"summary": "Laterne vor Hausnummer 7 defekt", "category": "streetlight", "description": description,
		"contact_name": name, "email": email, "privacy_consent": true}}
}

// TestAnonymousIdempotencyKeys: a key answers only the request it was
// first used for, and an anonymous retry learns nothing but the number and
// the tracking link of its own request.
func TestAnonymousIdempotencyKeys(t *testing.T) {
	env := newAPIEnv(t)
	const key = "3f1c9a7e-5b2d-4e8f-a6c1-0d9e8b7a6f5c"
	erika := citizenRequest("Erika Musterfrau", "erika@example.org", "Die Laterne ist seit Tagen dunkel.")
	mallory := citizenRequest("Mallory", "mallory@example.org", "Irgendein anderer Text hier.")
	status, first := env.call(t, "", "POST", "/api/v1/tickets", erika, "Idempotency-Key", key)
	if status != http.StatusCreated {
		t.Fatalf("first create: %d %v", status, first)
	}
	number, _ := first["number"].(string)
	tracking, _ := first["tracking"].(string)
	if number == "" || !strings.Contains(tracking, "/portal/track/") {
		t.Errorf("first create answered %v, want the number and the tracking link", first)
	}
	leaks := func(t *testing.T, body map[string]any) {
		t.Helper()
		for _, secret := range []string{"Erika", "erika@example.org", "seit Tagen dunkel", "data"} {
			if strings.Contains(strings.Join(flatten(body), " "), secret) {
				t.Errorf("the answer holds %q: %v", secret, body)
			}
		}
	}
	leaks(t, first)

	tests := []struct {
		name   string
		user   string
		body   map[string]any
		status int
		code   string
		check  func(t *testing.T, body map[string]any)
	}{
		{"another body under the key is refused", "", mallory, http.StatusUnprocessableEntity, "idempotency_key_reused", leaks},
		{"another title under the key is refused", "", withTitle(erika, "Laterne"), http.StatusUnprocessableEntity, "idempotency_key_reused", leaks},
		{"the same request again gets its number and link, no data", "", erika, http.StatusCreated, "", func(t *testing.T, b map[string]any) {
			leaks(t, b)
			if b["number"] != number || b["tracking"] != tracking {
				t.Errorf("retry answered %v, want %s and %s", b, number, tracking)
			}
		}},
		{"the key of a signed-in user is another key", "anna", mallory, http.StatusCreated, "", func(t *testing.T, b map[string]any) {
			if b["number"] == number {
				t.Errorf("anna got the citizen's ticket %v", b["number"])
			}
		}},
		{"a signed-in user's key answers only its first request", "anna", erika, http.StatusUnprocessableEntity, "idempotency_key_reused", leaks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := env.call(t, tt.user, "POST", "/api/v1/tickets", tt.body, "Idempotency-Key", key)
			if status != tt.status || errCode(body) != tt.code {
				t.Fatalf("%d %q, want %d %q: %v", status, errCode(body), tt.status, tt.code, body)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

func withTitle(req map[string]any, title string) map[string]any {
	out := maps.Clone(req)
	out["title"] = title
	return out
}

// flatten lists the keys and string values of a JSON answer.
func flatten(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			out = append(out, k)
			out = append(out, flatten(x[k])...)
		}
	case []any:
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
	case string:
		out = append(out, x)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	return keys
}

// TestIdempotencyKeyIsChecked: a key that is not printable ASCII of 1 to
// 255 characters is refused with 400 before anything is claimed, so the
// same request is refused the same way again and works with a good key.
func TestIdempotencyKeyIsChecked(t *testing.T) {
	env := newAPIEnv(t)
	for _, tt := range []struct{ name, key string }{
		{"invalid UTF-8", "\xff\xfe-0123456789abcdef"},
		{"a control character", "abc\x01def-0123456789"},
		{"a space", "abc def-0123456789"},
		{"non-ASCII letters", "schlüssel-0123456789"},
		{"too long", strings.Repeat("k", 256)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 {
				status, body := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer}, "Idempotency-Key", tt.key)
				if status != http.StatusBadRequest || errCode(body) != "invalid_idempotency_key" {
					t.Fatalf("%d %v, want 400 invalid_idempotency_key", status, body)
				}
			}
		})
	}
	status, body := env.call(t, "anna", "POST", "/api/v1/tickets", map[string]any{"process": "it-incident", "data": printer}, "Idempotency-Key", strings.Repeat("k", 255))
	if status != http.StatusCreated {
		t.Fatalf("a key of 255 characters: %d %v", status, body)
	}
}

// TestDiskFull: on a full disk creates answer 507 and the readiness check
// says so; the log says it once; when space is freed a create's retry with
// the same key succeeds at once and the numbers have no gap.
func TestDiskFull(t *testing.T) {
	dir := storetest.SmallDisk(t, "16m")
	var logs webtest.LogBuffer
	env := newAPIEnvWith(t, apiOptions{dataDir: dir, logs: &logs})
	errorsLogged := func() (n int) {
		for _, rec := range logs.Records(t) {
			if rec["level"] == "ERROR" {
				n++
			}
		}
		return n
	}
	incident := func(i int) map[string]any {
		data := maps.Clone(printer)
		data["description"] = strings.Repeat("Das Gerät meldet Papierstau, obwohl kein Papier klemmt. ", 80) // a large write
		data["summary"] = "Drucker " + strings.Repeat("I", i%5+1) + " im Raum 204 druckt nicht"
		return map[string]any{"process": "it-incident", "data": data}
	}
	create := func(t *testing.T, key string, i int) (int, map[string]any) {
		return env.call(t, "anna", "POST", "/api/v1/tickets", incident(i), "Idempotency-Key", key)
	}
	if status, b := create(t, "before", 0); status != http.StatusCreated || b["number"] != "INC-2026-000001" {
		t.Fatalf("create before the disk is full: %d %v", status, b)
	}
	if status, b := env.call(t, "", "GET", "/readyz", nil); status != http.StatusOK || b["status"] != "ready" {
		t.Errorf("readyz before the disk is full: %d %v", status, b)
	}

	free := storetest.FillDisk(t, dir)
	// SQLite may still find room in its write-ahead log for a few writes.
	// A retry sends the refused request again, its key with its body: the
	// key's claim may have been stored before the disk refused the ticket.
	stored, refusedKey, refused := 1, "", 0
	for i := 1; i <= 100 && refusedKey == ""; i++ {
		key := "full-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + strings.Repeat("0", i/26)
		switch status, b := create(t, key, i); status {
		case http.StatusCreated:
			stored++
		case http.StatusInsufficientStorage:
			if errCode(b) != "insufficient_storage" {
				t.Fatalf("507 with code %q", errCode(b))
			}
			refusedKey, refused = key, i
		default:
			t.Fatalf("create on a full disk: %d %v, want 201 or 507", status, b)
		}
	}
	if refusedKey == "" {
		t.Fatal("100 creates succeeded on a full disk")
	}
	for range 3 {
		if status, b := create(t, refusedKey, refused); status != http.StatusInsufficientStorage {
			t.Fatalf("retry on a full disk: %d %v, want 507", status, b)
		}
	}
	if status, b := env.call(t, "", "GET", "/readyz", nil); status != http.StatusServiceUnavailable || b["reason"] != "disk_full" {
		t.Errorf("readyz on a full disk: %d %v, want 503 disk_full", status, b)
	}
	if n := errorsLogged(); n != 1 {
		t.Errorf("%d errors logged, want one for the full disk: %v", n, logs.Records(t))
	}

	free()
	status, b := create(t, refusedKey, refused)
	if status != http.StatusCreated {
		t.Fatalf("retry after space was freed: %d %v, want 201", status, b)
	}
	want := fmt.Sprintf("INC-2026-%06d", stored+1)
	if b["number"] != want {
		t.Errorf("retry got %v, want %s: the numbers have a gap", b["number"], want)
	}
	if status, b := create(t, "after", 0); status != http.StatusCreated || b["number"] != fmt.Sprintf("INC-2026-%06d", stored+2) {
		t.Errorf("next create: %d %v", status, b["number"])
	}
	if status, b := env.call(t, "", "GET", "/readyz", nil); status != http.StatusOK {
		t.Errorf("readyz after space was freed: %d %v", status, b)
	}
}
