-- fleet-booking-check: validate hook of fleet-booking.
-- A booking needs a pool vehicle in service, a return after the pick-up and
-- no other open booking of the vehicle in that time; a return needs a
-- mileage no lower than at the pick-up.
local data = ticket.data

if event.transition == "return_vehicle" then
  local back = event.form.mileage_end
  if back and data.mileage_start and back < data.mileage_start then
    ticket.error("mileage_end", "Der Kilometerstand ist kleiner als bei der Abholung (" .. data.mileage_start .. " km).")
  end
  return
end
if event.transition then
  return -- the booking itself is not changed by other transitions
end

local starts, ends = time.parse(data.starts), time.parse(data.ends)
if ends <= starts then
  ticket.error("ends", "Die Rückgabe muss nach der Abholung liegen.")
  return
end

local found = assets.find({class = "vehicle", number = data.vehicle})
local vehicle = found[1]
if not vehicle or vehicle.status ~= "in_service" or not vehicle.fields.pool then
  ticket.error("vehicle", "Dieses Fahrzeug ist nicht im buchbaren Pool.")
  return
end

-- Open bookings are few (a pool has a handful of vehicles, each booked for
-- days ahead); finished and cancelled ones are not open.
for _, other in ipairs(tickets.find({process = "fleet-booking", open = true}, {limit = 200})) do
  local o = other.data or {}
  if other.number ~= ticket.number and o.vehicle == data.vehicle and
     starts < time.parse(o.ends) and time.parse(o.starts) < ends then
    ticket.error("vehicle", "Das Fahrzeug ist in dieser Zeit schon gebucht (" .. other.number .. ", " ..
      time.format(time.parse(o.starts), "de_datetime") .. " bis " .. time.format(time.parse(o.ends), "de_datetime") .. ").")
    return
  end
end
