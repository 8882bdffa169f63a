-- hr-deadline-watch: weekday job of hr-onboarding and hr-offboarding.
-- Flags arrivals and departures whose day is at most three working days
-- away while tasks are still open, so HR can chase them.
local field = event.process == "hr-onboarding" and "start_date" or "last_day"
local horizon = time.add_business_days(time.now(), 3, "sachsen-office")

for _, t in ipairs(tickets.find({process = event.process, state = "preparing"}, {limit = 200})) do
  local day = t.data and t.data[field]
  if day and time.parse(day) <= horizon then
    for _, number in ipairs(t.children or {}) do
      local task = tickets.get(number)
      if task and task.state == "open" then
        tickets.transition(t.number, "flag_at_risk", {comment = "Stichtag " .. time.format(time.parse(day), "de_date") .. ": Aufgaben noch offen."})
        break
      end
    end
  end
end
