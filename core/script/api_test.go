package script_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vorgang/core/script"
)

// host answers queries from fixed tickets and records what it was asked.
type host struct {
	tickets []script.Ticket
	queries []script.TicketQuery
	assets  []script.AssetQuery
}

func (h *host) Ticket(_ context.Context, number string) (*script.Ticket, error) {
	for i := range h.tickets {
		if h.tickets[i].Number == number {
			return &h.tickets[i], nil
		}
	}
	return nil, nil
}

func (h *host) FindTickets(_ context.Context, q script.TicketQuery) ([]script.Ticket, error) {
	h.queries = append(h.queries, q)
	return h.tickets, nil
}

func (h *host) FindAssets(_ context.Context, q script.AssetQuery) ([]map[string]any, error) {
	h.assets = append(h.assets, q)
	return []map[string]any{{"id": "IT-000001", "class": q.Class, "status": "in_use"}}, nil
}

func TestAPI(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		hook    string
		changes []script.Change
		value   any
		wantErr string // fragment of the error; line checked via ":N:"
	}{
		{"reads the ticket", `return ticket.number .. " " .. ticket.state .. " " .. ticket.data.category .. " " .. ticket.version`, "", nil, "INC-2026-000042 new printer 1", ""},
		{"reads its own writes", `ticket.set("impact", "many") ticket.set_team("it-2nd-level") return ticket.data.impact .. ticket.team`, "", []script.Change{
			{Kind: script.ChangeField, Field: "impact", Value: "many"}, {Kind: script.ChangeTeam, Value: "it-2nd-level"}}, "manyit-2nd-level", ""},
		{"sets fields of every type", `ticket.set("n", 3) ticket.set("f", 2.5) ticket.set("l", {"a", "b"}) ticket.set("m", {x = true}) ticket.set("e", {})`, "", []script.Change{
			{Kind: script.ChangeField, Field: "n", Value: int64(3)}, {Kind: script.ChangeField, Field: "f", Value: 2.5},
			{Kind: script.ChangeField, Field: "l", Value: []any{"a", "b"}}, {Kind: script.ChangeField, Field: "m", Value: map[string]any{"x": true}},
			{Kind: script.ChangeField, Field: "e", Value: []any{}}}, nil, ""},
		{"priority, assignee, comment", `ticket.set_priority("critical") ticket.assign("ben") ticket.assign(nil) ticket.comment(" Hallo ", {internal = true})`, "", []script.Change{
			{Kind: script.ChangePriority, Value: "critical"}, {Kind: script.ChangeAssignee, Value: "ben"}, {Kind: script.ChangeAssignee, Value: ""},
			{Kind: script.ChangeComment, Text: "Hallo", Internal: true}}, nil, ""},
		{"child ticket", `ticket.create_child("it-incident", {title = "Kind", team = "it-2nd-level", data = {summary = "x"}})`, "", []script.Change{
			{Kind: script.ChangeChild, Process: "it-incident", Title: "Kind", Team: "it-2nd-level", Data: map[string]any{"summary": "x"}}}, nil, ""},
		{"field error", `ticket.error("summary", "zu kurz")`, "", []script.Change{{Kind: script.ChangeFieldError, Field: "summary", Text: "zu kurz"}}, nil, ""},
		{"unknown priority", "\nticket.set_priority('urgent')", "", nil, nil, ":2: bad argument #1 to set_priority (unknown priority 'urgent'"},
		{"unknown team", `ticket.set_team("it-3rd-level")`, "", nil, nil, "unknown team 'it-3rd-level'"},
		{"unknown child process", `ticket.create_child("nope")`, "", nil, nil, "unknown process 'nope'"},
		{"empty comment", `ticket.comment("  ")`, "", nil, nil, "must not be empty"},
		{"a function cannot be stored", `ticket.set("x", print)`, "", nil, nil, "function cannot be stored"},
		{"tickets.get", `return tickets.get("INC-2026-000001").title, tickets.get("NOPE")`, "", nil, "Alt", ""},
		{"tickets.find", `local r = tickets.find({process = "it-incident", open = true, updated_before = time.now()}, {limit = 5}) return #r`, "", nil, int64(1), ""},
		{"tickets.find refuses unknown filters", `tickets.find({proces = "x"})`, "", nil, nil, "unknown filter 'proces'"},
		{"tickets.transition only in jobs", `tickets.transition("INC-2026-000001", "close")`, "", nil, nil, "only available in scheduled jobs"},
		{"tickets.transition in a job", `tickets.transition("INC-2026-000001", "close", {comment = "weg"})`, script.HookJob, []script.Change{
			{Kind: script.ChangeTransition, Ticket: "INC-2026-000001", Transition: "close", Text: "weg"}}, nil, ""},
		{"assets.find", `local a = assets.find({class = "workstation", device_type = "printer"}) return a[1].id`, "", nil, "IT-000001", ""},
		{"catalog", `return catalog.team("it-site-north").parent .. " " .. catalog.calendar("sachsen-office").timezone .. " " .. tostring(#catalog.teams() >= 3) .. " " .. catalog.process("it-incident").states[1].id`, "", nil, "it-2nd-level Europe/Berlin true new", ""},
		{"time", `local t = time.parse("2026-11-27T09:30:00Z") return time.format(time.add(t, "90m")) .. " " .. time.format(t, "de_datetime") .. " " .. time.date(t).weekday`, "", nil, "2026-11-27T11:00:00Z 27.11.2026 10:30 friday", ""},
		{"business days", `return time.format(time.add_business_days(time.now(), 1, "sachsen-office"), "date") .. " " .. tostring(time.is_business_day(time.parse("2026-11-28"), "sachsen-office"))`, "", nil, "2026-11-30 false", ""},
		// 24 December is a closed day of the calendar, 25 December a public
		// holiday, 18 November 2026 (a Wednesday) a holiday of Saxony only.
		{"closed days and public holidays of the calendar", `return time.format(time.add_business_days(time.parse("2026-12-23T10:00"), 1, "sachsen-office"), "date")`, "", nil, "2026-12-28", ""},
		{"a public holiday is no business day", `return tostring(time.is_business_day(time.parse("2026-11-18T10:00"), "sachsen-office")) .. " " .. time.format(time.add_business_days(time.parse("2026-11-19T10:00"), -1, "sachsen-office"), "date")`, "", nil, "false 2026-11-17", ""},
		{"json", `local t = json.decode('{"a": [1, 2.5, "x"], "b": {"c": null}}') return json.encode({n = t.a[2], s = t.a[3]})`, "", nil, `{"n":2.5,"s":"x"}`, ""},
		{"json.decode of bad input", `local v, err = json.decode("{") return err`, "", nil, "invalid JSON: unexpected EOF", ""},
		{"log and print", `log.info("hallo", {n = 1}) log.warn("x") print("a", 1)`, "", nil, nil, ""},
		{"require another script", `local r = require("helper") return r.double(21)`, "", nil, int64(42), ""},
		{"error in a required script names it", `local r = require("helper") return r.fail()`, "", nil, nil, "script helper (required by api-"},
		{"patterns", `local a, b = ("Raum 204, Etage 2"):match("Raum (%d+), Etage (%d+)") local s = ("a-b-c"):gsub("-", "+") local n = 0 for w in ("x y z"):gmatch("%a") do n = n + 1 end return a .. b .. s .. n .. tostring(("abc"):find("b", 1, true))`, "", nil, "2042a+b+c32", ""},
		{"error names the line", "local x = 1\n\nerror('kaputt')", "", nil, nil, ":3: kaputt"},
		{"calling an undefined global names it", "local x = 1\nsend_mail(x)", "", nil, nil, ":2: attempt to call global 'send_mail' (a nil value)"},
		{"calling an undefined API function names it", `local r = tickets.findd({process = "it-incident"})`, "", nil, nil, "attempt to call field 'tickets.findd' (a nil value)"},
	}
	scripts := map[string]string{"helper": `local M = {} function M.double(n) return n * 2 end function M.fail() error("im Helfer") end return M`}
	for i, tt := range tests {
		scripts["api-"+string(rune('a'+i/26))+string(rune('a'+i%26))] = tt.src
	}
	cat := catalogWith(t, scripts)
	rt := newRuntime(t, script.Config{})
	h := &host{tickets: []script.Ticket{{Number: "INC-2026-000001", Process: "it-incident", Title: "Alt", State: "resolved", Updated: clock.Add(-time.Hour)}}}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "api-" + string(rune('a'+i/26)) + string(rune('a'+i%26))
			hook := tt.hook
			if hook == "" {
				hook = script.HookOnCreate
			}
			call := script.Call{Catalog: cat, Script: name, Hook: hook, Host: h}
			if hook != script.HookJob {
				call.Ticket = sampleTicket()
			}
			res, err := rt.Run(t.Context(), call)
			if tt.wantErr != "" {
				var serr *script.Error
				if !errors.As(err, &serr) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range res.Changes {
				if res.Changes[i].Data == nil && tt.changes != nil && i < len(tt.changes) && tt.changes[i].Data == nil {
					res.Changes[i].Data = nil
				}
			}
			if len(tt.changes) > 0 && !reflect.DeepEqual(res.Changes, tt.changes) {
				t.Fatalf("changes\n%+v\nwant\n%+v", res.Changes, tt.changes)
			}
			if len(tt.changes) == 0 && len(res.Changes) > 0 {
				t.Fatalf("unexpected changes %+v", res.Changes)
			}
			if tt.value != nil && res.Value != tt.value {
				t.Fatalf("value %#v, want %#v", res.Value, tt.value)
			}
		})
	}
	if len(h.queries) != 1 || h.queries[0].Limit != 5 || h.queries[0].Process != "it-incident" || h.queries[0].Open == nil || !*h.queries[0].Open ||
		!h.queries[0].UpdatedBefore.Equal(clock) {
		t.Fatalf("queries %+v", h.queries)
	}
	if len(h.assets) != 1 || h.assets[0].Class != "workstation" || h.assets[0].Fields["device_type"] != "printer" {
		t.Fatalf("asset queries %+v", h.assets)
	}
}

// The result size of queries is bounded whatever the script asks for.
func TestQueryLimit(t *testing.T) {
	cat := catalogWith(t, map[string]string{"many": `return #tickets.find({}, {limit = 1000000})`})
	rt := newRuntime(t, script.Config{MaxResults: 3})
	h := &host{}
	for i := 0; i < 10; i++ {
		h.tickets = append(h.tickets, script.Ticket{Number: "T" + string(rune('0'+i))})
	}
	res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "many", Hook: script.HookJob, Host: h})
	if err != nil {
		t.Fatal(err)
	}
	if res.Value != int64(3) || h.queries[0].Limit != 3 {
		t.Fatalf("returned %v rows, asked the host for %d", res.Value, h.queries[0].Limit)
	}
}

// A call waits for a free state, and gives up with its context.
func TestPoolWaitsAndGivesUp(t *testing.T) {
	cat := catalogWith(t, map[string]string{"sleepy": `local t = time.now() while true do end`})
	rt := newRuntime(t, script.Config{PoolSize: 1, Timeout: 200 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		_, err := rt.Run(context.Background(), script.Call{Catalog: cat, Script: "sleepy", Hook: script.HookOnCreate})
		done <- err
	}()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	// Either the first call still holds the only state (the wait ends with
	// the context) or it is done; never a second state.
	_, err := rt.Run(ctx, script.Call{Catalog: cat, Script: "sleepy", Hook: script.HookOnCreate})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("second call: %v", err)
	}
	if err := <-done; !errors.Is(err, script.ErrTimeout) {
		t.Fatalf("first call: %v", err)
	}
}

// A new catalog version gets states of its own; the old one's scripts are
// not run for it.
func TestNewCatalogVersion(t *testing.T) {
	rt := newRuntime(t, script.Config{PoolSize: 2})
	for _, want := range []string{"eins", "zwei"} {
		cat := catalogWith(t, map[string]string{"version": `return "` + want + `"`})
		for i := 0; i < 3; i++ {
			res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "version", Hook: script.HookOnCreate})
			if err != nil || res.Value != want {
				t.Fatalf("got %v, %v; want %s", res, err, want)
			}
		}
	}
	if _, err := rt.Run(t.Context(), script.Call{Catalog: catalogWith(t, nil), Script: "version"}); !errors.Is(err, script.ErrNotFound) {
		t.Fatalf("missing script: %v", err)
	}
}
