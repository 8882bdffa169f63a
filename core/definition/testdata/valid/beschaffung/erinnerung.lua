-- erinnerung: reminds approvers of requests waiting for more than a week.
local alt = tickets.find({process = "beschaffung", state = "in_genehmigung", updated_before = time.add_days(time.now(), -7)})
for _, t in ipairs(alt) do
  tickets.comment(t.number, "Erinnerung: Genehmigung steht aus.", {internal = true})
end
