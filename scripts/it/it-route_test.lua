-- Tests of it-route; run them with `vorgang test`.

local function incident(data)
  return {process = "it-incident", data = data}
end

test("printers and workstations of the north office go to its on-site team", function()
  for _, category in ipairs({"printer", "workstation"}) do
    local r = run("it-route", {ticket = incident({category = category, location = "aussenstelle_nord", impact = "single"})})
    expect.ok(r.ok, r.error)
    expect.eq(r.ticket.team, "it-site-north", category)
    expect.eq(#r.comments, 0)
  end
end)

test("a network outage of a whole site goes to second level with a note", function()
  local r = run("it-route", {ticket = incident({category = "network", location = "rathaus", impact = "many"})})
  expect.eq(r.ticket.team, "it-2nd-level")
  expect.eq(#r.comments, 1)
  expect.ok(r.comments[1].internal, "the note is internal")
end)

test("everything else stays with the first level", function()
  local r = run("it-route", {ticket = incident({category = "network", location = "aussenstelle_nord", impact = "single"})})
  expect.eq(r.ticket.team, "it-1st-level")
  expect.eq(#r.changes, 0)
end)
