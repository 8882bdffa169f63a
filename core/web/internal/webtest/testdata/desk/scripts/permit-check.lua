-- Permits are for the city's residents only: postcodes 01067 to 01328.
local pc = ticket.data.postcode
if pc and (pc < "01067" or pc > "01328") then
  ticket.error("postcode", "Diese Postleitzahl liegt nicht im Stadtgebiet.")
end
