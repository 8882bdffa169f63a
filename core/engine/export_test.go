package engine

import (
	"vorgang/core/sla"
	"vorgang/core/store"
)

// SetSLAClockForTest stores a clock in a ticket the way the engine does, for
// benchmarks that seed tickets directly.
func SetSLAClockForTest(t *store.Ticket, c *sla.Clock) { setClock(t, c) }
