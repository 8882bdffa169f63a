package engine

import (
	"time"

	"vorgang/core/ticket"
)

// Observer is told what the engine did, for metrics (core/metrics). Its
// methods are called on the request's path: they must be cheap and safe
// for concurrent use.
type Observer interface {
	// Committed: entry was stored as t's latest change (creates too).
	Committed(t *ticket.Ticket, entry *ticket.HistoryEntry)
	// HookRan: a Lua hook of a process (or a job's script) ran for took;
	// err is its failure, if any.
	HookRan(script, hook string, took time.Duration, err error)
}

type noObserver struct{}

func (noObserver) Committed(*ticket.Ticket, *ticket.HistoryEntry) {}
func (noObserver) HookRan(string, string, time.Duration, error)   {}
