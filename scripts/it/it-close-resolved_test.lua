-- Tests of the nightly it-close-resolved job; run them with `vorgang test`.

-- Friday 27 November 2026, 02:00 in Dresden.
local now = time.parse("2026-11-27T02:00", "Europe/Berlin")

local function resolved(number, days_ago)
  return {number = number, process = "it-incident", state = "resolved",
          updated = time.add_days(now, -days_ago)}
end

test("closes incidents resolved more than five business days ago", function()
  local r = run("it-close-resolved", {hook = "job", now = now, tickets = {
    resolved("INC-2026-000001", 14),
    resolved("INC-2026-000002", 8),  -- Thursday before last: six business days
    resolved("INC-2026-000003", 6),  -- Saturday: four business days
    resolved("INC-2026-000004", 1),
  }})
  expect.ok(r.ok, r.error)
  expect.eq(#r.transitions, 2)
  expect.eq(r.transitions[1].ticket, "INC-2026-000001")
  expect.eq(r.transitions[2].ticket, "INC-2026-000002")
  expect.eq(r.transitions[1].transition, "close")
  expect.contains(r.transitions[1].comment, "5 Arbeitstagen")
end)

test("does nothing without resolved incidents", function()
  local r = run("it-close-resolved", {hook = "job", now = now})
  expect.eq(#r.transitions, 0)
end)
