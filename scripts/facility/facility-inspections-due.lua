-- facility-inspections-due: weekday job of facility-inspection-plan.
-- Issues the work order of every active plan whose inspection is due and
-- moves the plan to its next date.
local today = time.format(time.now(), "date", "Europe/Berlin")
for _, plan in ipairs(tickets.find({process = "facility-inspection-plan", state = "active"}, {limit = 200})) do
  local data = plan.data or {}
  if data.next_due and data.next_due <= today then
    local next_due = time.add_days(time.parse(data.next_due), data.interval_days)
    tickets.transition(plan.number, "spawn", {data = {next_due = time.format(next_due, "date")}})
  end
end
