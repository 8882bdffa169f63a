-- it-request-tasks: action of it-request's fulfil transition.
-- Splits an approved catalogue item into the tasks that fulfil it, each a
-- child ticket in the queue of the team that does it.
local data = ticket.data
local tasks = {
  laptop = {
    {title = "Notebook aus dem Lager bereitstellen", team = "it-1st-level"},
    {title = "Notebook inventarisieren und Nutzer zuordnen", team = "it-1st-level"},
  },
  software = {
    {title = "Lizenz prüfen und zuweisen", team = "it-2nd-level"},
    {title = "Software verteilen", team = "it-2nd-level"},
  },
  account = {
    {title = "Zugang einrichten", team = "it-2nd-level"},
  },
}

for _, task in ipairs(tasks[data.item] or {}) do
  ticket.create_child("it-task", {title = task.title, team = task.team,
    data = {summary = task.title .. ": " .. data.summary, request_item = data.item}})
end
