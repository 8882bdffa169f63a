// Package metrics keeps vorgang's Prometheus metrics: what the engine
// reports as it works (tickets created and moved per process, SLA warnings
// and breaches, Lua hook durations and failures), what the pages report
// per request (rates and latencies per route), and what is read from the
// store when scraped (open tickets per team and state, outbox depth and
// age per kind). It writes the text exposition format; core/web serves it.
package metrics
