-- facility-route: on_create hook of facility-work-order.
-- The caretakers of the building named in its register record take the
-- order; a danger to people is flagged for the team at once.
local data = ticket.data
local building = assets.find({class = "building", number = data.building})[1]
local teams = building and building.relations.facility_team
if teams and teams[1] then
  ticket.set_team(teams[1])
end
if data.hazard == "danger" then
  ticket.comment("Gefahr für Personen: Bereich sofort absichern, Objektmanagement informieren.", {internal = true})
end
