package engine_test

import (
	"errors"
	"slices"
	"testing"

	"vorgang/core/app"
	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/internal/testkit"
)

// A link the ticket's side refuses (a stale version, an actor who may see
// the ticket but not work it) leaves no trace on the asset: before, the
// asset recorded the ticket first and the refusal came after.
func TestRefusedAssetLinkLeavesTheAssetAlone(t *testing.T) {
	t.Parallel()
	reader := definition.File{Path: "processes/lesen.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Role
id: lesen
title: Lesen
permissions: [ticket.read_all, asset.read]
`)}
	a := testkit.NewApp(t, app.Config{Catalog: testkit.Fixed(testkit.Compile(t, append(testkit.DeskFiles(t), reader)))})
	ctx := t.Context()
	for _, u := range []auth.NewUser{
		{Name: "anna"},
		{Name: "ben", Teams: []string{"it-1st-level"}},
		{Name: "carla", Teams: []string{"it-2nd-level"}},
		{Name: "lea", Roles: []string{"lesen"}},
	} {
		if _, err := a.Auth.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	principal := func(name string) *auth.Principal {
		p, err := a.Auth.Principal(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	name := "Drucker Zimmer 204"
	pc, err := a.Assets.Create(ctx, principal("carla"), asset.Input{Class: "workstation", Name: &name, Data: map[string]any{"device_type": "laptop"}})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := a.Engine.Create(ctx, principal("anna"), engine.CreateRequest{Process: "it-incident",
		Data: map[string]any{"summary": "Drucker druckt nicht", "category": "printer", "impact": "single", "urgency": "medium", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		actor   string
		version int64
		want    error
	}{
		{"stale version", "ben", tk.Version + 7, fault.Conflict},
		{"sees the ticket but may not work it", "lea", 0, fault.Forbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := a.Engine.LinkAsset(ctx, principal(c.actor), tk.Number, c.version, pc.Number)
			if !errors.Is(err, c.want) {
				t.Fatalf("LinkAsset: %v, want %v", err, c.want)
			}
			refs, err := a.Assets.Tickets(ctx, principal("carla"), pc.Number)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(refs, func(r asset.TicketRef) bool { return r.Number == tk.Number }) {
				t.Errorf("the asset lists %s after the link was refused", tk.Number)
			}
		})
	}
	if _, err := a.Engine.LinkAsset(ctx, principal("ben"), tk.Number, 0, pc.Number); err != nil {
		t.Fatalf("a link that may be made: %v", err)
	}
	refs, err := a.Assets.Tickets(ctx, principal("carla"), pc.Number)
	if err != nil || len(refs) != 1 || refs[0].Number != tk.Number {
		t.Fatalf("asset's tickets after the link: %v, %v", refs, err)
	}
}
