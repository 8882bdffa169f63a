-- frist: nightly reminder job. The function is never closed with "end", so
-- the error is found only at the end of the file.
-- want: 10:1 lua_syntax "Lua syntax error at the end of the script: 'end' expected (to close 'function' at line 4)"
local function erinnern(t)
  tickets.comment(t.number, "Bitte Unterlagen nachreichen.", {internal = false})

for _, t in ipairs(tickets.find({process = "bauantrag", state = "nachforderung"})) do
  erinnern(t)
end
