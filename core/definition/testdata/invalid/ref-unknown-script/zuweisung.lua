-- zuweisung: sends new applications to the clerk for the applicant's district.
local bezirk = ticket.data.bezirk or "mitte"
ticket.set_team("wohngeld-" .. bezirk)
