-- netto: net amount from the gross total (19 % VAT).
return (ticket.data.gesamt or 0) / 1.19
