package engine

import (
	"vorgang/core/sla"
	"vorgang/core/ticket"
)

// SetSLAClockForTest stores a clock in a ticket the way the engine does, for
// benchmarks that seed tickets directly.
func SetSLAClockForTest(t *ticket.Ticket, c *sla.Clock) { setClock(t, c) }

// RedactForTest removes a sealed value the way an anonymisation does,
// without its record, for the tests of what verification detects.
func RedactForTest(h *ticket.HistoryEntry, path string) (bool, error) { return redact(h, path) }
