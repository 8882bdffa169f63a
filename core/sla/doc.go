// Package sla is business-time arithmetic and the SLA clock of a ticket.
//
// A Calendar, compiled from a Calendar definition, knows when work happens:
// working hours per weekday in its time zone, the public holidays of a
// German state (github.com/rickar/cal/v2) and extra closed days. Add,
// Between and Deadline count only that time, so a four-hour target set on
// Friday afternoon ends on Monday, and Buß- und Bettag stops the clock in
// Saxony but not in Bavaria. Calendars compiles them once per catalog
// version; the engine's SLA clocks and the scripts' time module share it,
// so both count the same working days.
//
// A Clock is the SLA state of one ticket: its targets (first response,
// resolution) as business durations, how much of each has elapsed, and
// whether each was warned about, breached or met. It starts when a ticket
// is created, pauses and resumes with the ticket's state, and stops at
// resolution. Its state is the ticket model's SLAClock (core/ticket), which
// the ticket stores; this package adds the calendar arithmetic and touches
// no store: the engine keeps the clock in the ticket and stores Clock.Next
// as the ticket's due time, which the escalation sweep queries.
package sla
