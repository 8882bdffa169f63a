-- citizen-route: on_create hook of citizen-request.
-- Sends a request to the office responsible for its category; the citizens'
-- office keeps everything else.
local offices = {
  waste = "public-order-office",
  noise = "public-order-office",
  road_damage = "roads-office",
  streetlight = "roads-office",
  green = "parks-office",
}
local office = offices[ticket.data.category]
if office then
  ticket.set_team(office)
end
