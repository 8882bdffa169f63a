package engine

import (
	"vorgang/core/sla"
	"vorgang/core/ticket"
)

// SetSLAClockForTest stores a clock in a ticket the way the engine does, for
// benchmarks that seed tickets directly.
func SetSLAClockForTest(t *ticket.Ticket, c *sla.Clock) { setClock(t, c) }
