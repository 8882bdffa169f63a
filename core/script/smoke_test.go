package script_test

import (
	"testing"

	"vorgang/core/script"
)

func TestSmoke(t *testing.T) {
	cat := catalogWith(t, map[string]string{"hello": `
ticket.set_team("it-2nd-level")
ticket.comment("hallo " .. ticket.team, {internal = true})
log.info("routed", {team = ticket.team})
return true, "ok"
`})
	rt := newRuntime(t, script.Config{})
	res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "hello", Hook: script.HookOnCreate, Ticket: sampleTicket()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	res, err = rt.Run(t.Context(), script.Call{Catalog: cat, Script: "it-route", Hook: script.HookOnCreate, Ticket: sampleTicket()})
	t.Logf("%+v %v", res, err)
}
