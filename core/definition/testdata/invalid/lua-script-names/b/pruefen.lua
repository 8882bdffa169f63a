-- want: 1:1 duplicate_id "duplicate script name 'pruefen' (also a/pruefen.lua)"
-- Scripts are referenced by file name alone, so two folders cannot both hold
-- a pruefen.lua.
return true
