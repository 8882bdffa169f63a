-- fleet-damage-report: action of fleet-booking's return_vehicle transition.
-- A damage found at the return opens a repair ticket for the workshop,
-- linked to the vehicle and to the booking.
local data = ticket.data
if not data.damage then
  return
end
ticket.create_child("fleet-repair", {
  title = "Schaden bei Rückgabe " .. ticket.number,
  data = {
    summary = "Schaden bei Rückgabe " .. ticket.number,
    vehicle = data.vehicle,
    damage_description = data.damage_description,
    reported_in = ticket.number,
    mileage = data.mileage_end,
  },
})
