package engine_test

import (
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
)

// TestNumbersOfCrashedCreatesAreReused: a number claimed by a create that
// died before storing its ticket goes to the next create, unless a live
// retry is about to use it.
func TestNumbersOfCrashedCreatesAreReused(t *testing.T) {
	t.Parallel()
	longAgo := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		owner      string // the dead create's claim, "" for none
		noted      string // the number noted in it
		startedAt  time.Time
		wantNumber string
	}{
		{"create without a key", "", "", longAgo, "INC-2026-000001"},
		{"keyed create that died before noting the number", "create/anna/k1", "", longAgo, "INC-2026-000001"},
		{"keyed create that died after noting it", "create/anna/k1", "INC-2026-000001", longAgo, "INC-2026-000001"},
		{"a retry is finishing it right now", "create/anna/k1", "INC-2026-000001", time.Time{}, "INC-2026-000002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := t.Context()
			claim := bson.M{"_id": "it-incident/2026/1", "scope": "it-incident/2026", "n": int64(1), "claimed_at": longAgo}
			if tt.startedAt.IsZero() {
				tt.startedAt = time.Now().UTC() // after the store opened: a live writer's
			}
			if tt.owner != "" {
				claim["owner"] = tt.owner
				if err := f.store.Insert(ctx, "create_requests", bson.M{"_id": tt.owner, "number": tt.noted, "started_at": tt.startedAt, "version": int64(2)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.store.Insert(ctx, "counter_claims", claim); err != nil {
				t.Fatal(err)
			}
			tk, err := f.eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low")})
			if err != nil {
				t.Fatal(err)
			}
			if tk.Number != tt.wantNumber {
				t.Fatalf("next create got %s, want %s", tk.Number, tt.wantNumber)
			}
			if tt.owner == "" || tt.wantNumber != "INC-2026-000001" {
				return
			}
			// The cut-off create's retry does not take the reused number.
			retry, err := f.eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: incident("single", "low"), IdempotencyKey: "k1"})
			if err != nil {
				t.Fatal(err)
			}
			if retry.Number != "INC-2026-000002" || retry.Requester != "anna" {
				t.Errorf("retry of the cut-off create = %s of %s, want INC-2026-000002 of anna", retry.Number, retry.Requester)
			}
		})
	}
}

// TestAnonymousIdempotencyKeys: anonymous callers share one key space, so
// their keys must be long enough not to be guessed; a retry with the key
// gets the ticket back.
func TestAnonymousIdempotencyKeys(t *testing.T) {
	t.Parallel()
	f := fixtureFor(t, anliegenDesk(t))
	ctx := t.Context()
	req := engine.CreateRequest{Process: "anliegen", Data: map[string]any{"betreff": "Laterne defekt"}, IdempotencyKey: "short"}
	var verr *fault.Error
	if _, err := f.eng.Create(ctx, nil, req); !errors.As(err, &verr) || len(verr.Fields) == 0 || verr.Fields[0].Field != "idempotency_key" {
		t.Fatalf("short anonymous key: %v", err)
	}
	req.IdempotencyKey = "f0rm-t0ken-5b1d7c2e9a"
	first, err := f.eng.Create(ctx, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.eng.Create(ctx, nil, req)
	if err != nil || again.Number != first.Number {
		t.Fatalf("retry = %v, %v; want %s", again, err, first.Number)
	}
	if _, err := f.eng.Create(ctx, &auth.Principal{User: "anna"}, req); err != nil {
		t.Fatalf("the same key of a signed-in user is another key: %v", err)
	}
}

// anliegenDesk is a small process citizens may open.
func anliegenDesk(t *testing.T) []definition.File {
	t.Helper()
	return []definition.File{{Path: "anliegen.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Process
id: anliegen
title: Anliegen
form: anliegen
audience: [citizen, staff]
states:
  - {id: neu, category: open}
  - {id: erledigt, category: closed}
transitions:
  - {id: erledigen, from: [neu], to: erledigt, roles: [assignee]}
---
apiVersion: vorgang/v1
kind: Form
id: anliegen
title: Anliegen
fields:
  - {id: betreff, type: text, label: Betreff, required: true}
`)}}
}
