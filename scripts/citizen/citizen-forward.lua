-- citizen-forward: after hook of citizen-request's forward transition.
-- Moves the request to the office chosen in the forward form.
ticket.set_team(ticket.data.forward_to)
