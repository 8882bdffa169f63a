// Package webhook posts ticket events to the receivers Webhook definitions
// name. The engine queues a delivery in the outbox with the change that
// raised the event; the Worker claims due deliveries, posts them as signed
// JSON (Payload, version 1), and retries with backoff until the receiver
// takes one. A webhook's deliveries for one ticket go out in the order of
// the ticket's changes: one waits while an earlier one is still to be
// done. Receivers on loopback, private or link-local addresses are
// refused when connecting unless the definition allows them, whatever the
// URL's name resolves to.
//
// It is an HTTP client of the receivers; it serves no HTTP itself.
package webhook
