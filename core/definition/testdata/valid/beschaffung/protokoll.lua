-- protokoll: records the step in the internal log.
log.info("beschaffung", {ticket = ticket.number, state = ticket.state})
