-- citizen-survey-check: validate hook of citizen-survey.
-- A rating belongs to a closed citizen request, once.
if event.transition then
  return
end
local reference = ticket.data.reference
local request = tickets.get(reference)
if not request or request.process ~= "citizen-request" then
  ticket.error("reference", "Zu dieser Nummer gibt es kein Anliegen.")
  return
end
if request.state ~= "closed" then
  ticket.error("reference", "Dieses Anliegen ist noch nicht abgeschlossen.")
end
