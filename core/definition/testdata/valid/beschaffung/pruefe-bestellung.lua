-- pruefe-bestellung: form validation and before hook of "einreichen".
-- Refuses orders whose items have no price.
local fehler = {}
for i, p in ipairs(ticket.data.positionen or {}) do
  if p.einzelpreis == nil then
    fehler["positionen." .. i .. ".einzelpreis"] = "Bitte einen Preis angeben."
  end
end
return fehler
