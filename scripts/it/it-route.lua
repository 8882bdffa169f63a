-- it-route: on_create hook of it-incident.
-- Sends on-site problems of the north branch office straight to its on-site
-- team and network outages of whole sites to second level; everything else
-- stays with the first-level service desk (the process default).
local data = ticket.data

if data.location == "aussenstelle_nord" and
   (data.category == "workstation" or data.category == "printer") then
  ticket.set_team("it-site-north")
  return
end

if data.category == "network" and data.impact == "many" then
  ticket.set_team("it-2nd-level")
  ticket.comment("Netzstörung an einem ganzen Standort: direkt an 2nd Level.", {internal = true})
end
