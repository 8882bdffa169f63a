-- gebuehr: the fee by the kind of permit. The "if" on line 11 is never
-- closed; Lua notices only at the end of the file, and the error names it.
-- want: 13:1 lua_syntax "'end' expected (to close 'if' at line 11)"
local function gebuehr(art)
  if art == "gewerbe" then
    return 60
  end
  return 30
end

if ticket.data.art then
  ticket.set("gebuehr", gebuehr(ticket.data.art))
