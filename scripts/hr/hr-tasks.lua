-- hr-tasks: action of the start transition of hr-onboarding and
-- hr-offboarding. Hands the tasks of an arrival or a departure to the teams
-- that do them, each due two working days before the first (or on the
-- last) working day.
local data = ticket.data
local onboarding = ticket.process == "hr-onboarding"
local deadline
if onboarding then
  deadline = time.add_business_days(time.parse(data.start_date), -2, "sachsen-office")
else
  deadline = time.parse(data.last_day)
end
local due = time.format(deadline, "date")

local tasks
if onboarding then
  tasks = {
    {title = "IT-Konto anlegen", team = "it-1st-level", when = true},
    {title = data.needs_laptop and "Notebook bereitstellen" or "PC bereitstellen", team = "it-1st-level", when = true},
    {title = "Schlüssel ausgeben", team = "facility-service", when = true},
    {title = "Parkberechtigung ausstellen", team = "facility-service", when = data.needs_parking},
  }
else
  tasks = {
    {title = "IT-Konto sperren", team = "it-1st-level", when = true},
    {title = "Gerät zurücknehmen", team = "it-1st-level", when = true},
    {title = "Schlüssel zurücknehmen", team = "facility-service", when = true},
    {title = "Parkberechtigung einziehen", team = "facility-service", when = data.had_parking},
  }
end

for _, task in ipairs(tasks) do
  if task.when then
    ticket.create_child("hr-task", {title = task.title, team = task.team,
      data = {summary = task.title .. ": " .. data.employee_name, employee_name = data.employee_name, due_date = due}})
  end
end
