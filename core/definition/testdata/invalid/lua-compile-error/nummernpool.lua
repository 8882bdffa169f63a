-- nummernpool: after hook of "zulassen"; the goto names a label that does
-- not exist.
-- want: 6:1 lua_compile "no visible label 'weiter'"
for i = 1, 3 do
  if ticket.data["kennzeichen_" .. i] == nil then
    goto weiter
  end
  ticket.comment("Kennzeichen " .. i .. " reserviert.", {internal = true})
end
