-- tourenplan: plans tomorrow's cleaning tours.
local offen = tickets.find({process = "strassenreinigung", state = "gemeldet"})
log.info("offene Meldungen", {anzahl = #offen})
