-- want: 1:1 invalid_format "script file name 'Antrag_Pruefen' is not a valid id"
-- Script names are ids: lower case only.
return true
