-- parkzone: derives the parking zone from the street.
-- The "if" on line 9 lacks its "then"; Lua notices at the next token.
-- want: 10:8 lua_syntax "Lua syntax error"
local zonen = {
  ["Hauptstraße"] = "A",
  ["Marktplatz"] = "A",
  ["Bahnhofstraße"] = "B",
}
if zonen[ticket.data.strasse] == nil
  ticket.comment("Straße liegt in keiner Bewohnerparkzone.", {internal = true})
  return
end
ticket.set("zone", zonen[ticket.data.strasse])
