// Package notify turns queued notifications into e-mails and delivers them.
//
// The engine writes a "notify" item to the outbox with every change that a
// Notification definition (or a notify action or SLA escalation) names,
// before the change commits. The Worker here claims those items, drops
// those whose change never committed, resolves the recipients (the
// requester, the assignee, a team's address or members, the holders of a
// role, a fixed address, or for citizens the e-mail field of the form),
// renders the bilingual template per recipient as plain text and HTML
// (with date, datetime, number and money in the recipient's language), and
// queues one "mail" item per recipient. Mail items are delivered over SMTP
// with retries and backoff; one that fails for good is marked failed and
// listed for administrators (Failed). Without SMTP, mails stay queued
// (Queued) and go out once a server is configured.
//
// Each step is keyed by the item that caused it, so a crash or an SMTP
// outage repeats work without sending a mail twice in the normal case: a
// mail goes out twice only when the server accepted it and the
// acknowledgement was lost. Every mail carries a Message-ID derived from
// its outbox id, so receiving systems can recognise such a repeat.
package notify
