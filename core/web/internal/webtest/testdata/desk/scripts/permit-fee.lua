-- The fee of a resident parking permit: 30 EUR per vehicle and year.
local vehicles = ticket.data.vehicles or 0
local months = tonumber(ticket.data.months) or 12
return vehicles * 30 * months / 12
