-- it-close-resolved: nightly job of it-incident.
-- Closes incidents that have been resolved for five business days without
-- the requester reopening them.
local cutoff = time.add_business_days(time.now(), -5, "sachsen-office")
local stale = tickets.find({process = "it-incident", state = "resolved", updated_before = cutoff}, {limit = 200})
for _, t in ipairs(stale) do
  tickets.transition(t.number, "close", {comment = "Automatisch geschlossen nach 5 Arbeitstagen."})
end
