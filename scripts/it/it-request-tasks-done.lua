-- it-request-tasks-done: guard of it-request's complete transition.
-- A request is done when none of its tasks is still open.
local open = {}
for _, number in ipairs(ticket.children or {}) do
  local task = tickets.get(number)
  if task and task.state == "open" then
    open[#open + 1] = number
  end
end
if #open > 0 then
  return false, "Noch offene Aufgaben: " .. table.concat(open, ", ")
end
return true
