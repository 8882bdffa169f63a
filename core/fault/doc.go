// Package fault is vorgang's one vocabulary of failures. Every package
// below the web layer says what went wrong with a Kind (not found,
// forbidden, conflict, invalid input, not allowed now, in progress, …),
// optionally refined by an Error that carries a stable code, the
// parameters that explain it and the offending fields. Callers branch on
// the kind with errors.Is; the web layer turns a kind into an HTTP status
// with one table, the scenario runner names it by its code, and the text a
// person reads is written where the language is known, not here.
//
// The package imports nothing of vorgang's, so every other package may
// use it.
package fault
