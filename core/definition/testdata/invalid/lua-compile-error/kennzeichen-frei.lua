-- kennzeichen-frei: guard of "zulassen". Parses fine, but "break" outside a
-- loop is rejected when the chunk is compiled.
-- want: 9:1 lua_compile "Lua compile error: no loop to break"
local wunsch = ticket.data.wunschkennzeichen
if wunsch == nil or wunsch == "" then
  return true
end
if tickets.count({process = "kfz-zulassung", data = {wunschkennzeichen = wunsch}}) > 1 then
  break
end
return true
