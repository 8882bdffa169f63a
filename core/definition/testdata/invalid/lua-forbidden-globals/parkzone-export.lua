-- parkzone-export: writes the zone to a file and logs who asked.
-- want: 6:3 lua_forbidden "the io library is not available"
-- want: 8:14 lua_forbidden "the os library is not available"
-- want: 9:9 lua_forbidden "loadstring is not available"
local zone = ticket.data.zone or "?"
  io.open("/tmp/zonen.txt", "a"):write(zone)
local os_name = "x"
local when = os.date("%d.%m.%Y")
return (loadstring("return 1"))()
