-- hr-tasks-done: guard of the complete transition of hr-onboarding and
-- hr-offboarding: every task is done or dropped.
local open = {}
for _, number in ipairs(ticket.children or {}) do
  local task = tickets.get(number)
  if task and task.state == "open" then
    open[#open + 1] = task.title
  end
end
if #open > 0 then
  return false, "Noch offen: " .. table.concat(open, ", ")
end
return true
