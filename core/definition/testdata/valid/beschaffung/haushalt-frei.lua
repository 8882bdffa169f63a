-- haushalt-frei: guard of "bestellen"; the budget must cover the total.
local frei = budget.available(ticket.data.kostenstelle)
if frei < ticket.data.gesamt then
  return false, string.format("Nur noch %.2f EUR frei.", frei)
end
return true
