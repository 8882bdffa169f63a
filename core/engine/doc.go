// Package engine runs tickets through the workflows the definitions
// describe. It is where vorgang's policy lives: who may see, create, move,
// assign, comment and decide, and what each change sets off. It knows
// nothing of HTTP: its errors are of the kinds of core/fault (refusals
// carry a reason code and parameters, field problems a code and the id of
// the sentence that explains them), and core/web turns them into statuses
// and words.
//
// # Views and permissions
//
// View answers a ticket as one actor sees it, with what the actor may do on
// it computed once by the rules the use cases apply (take, assign, internal
// comments, runnable and blocked transitions with reasons, an approval
// decision); pages render from it rather than deciding themselves. Files are
// the engine's too: Upload records who sent a file, OwnUpload lets only that
// sender keep it in a form, TicketFile and TrackedFile read a file only
// through a ticket that refers to it. LinkAsset is the one way a ticket is
// linked to an asset after it was created.
//
// # Changes
//
// Every use case (Create, Transition, Assign, Comment, Decide, Link,
// CitizenReply, FollowUp, the SLA sweep) is one change of one ticket: read
// the ticket, check the actor's permission and the process's rules, run the
// Lua hooks the process names, build one typed history entry (core/ticket),
// and commit ticket and entry with a compare-and-set on the ticket's
// version (see change). A lost race is retried on the fresh ticket or, when
// the caller named a version, answered with fault.Conflict. Each entry
// carries the hash of the one before, so the history is tamper-evident
// (Audit checks the chain).
//
// # Effects and the outbox
//
// Work a change causes beyond its ticket — notifications, child tickets,
// closing children, SLA hooks — is an effect. Effects are written to the
// store's outbox before the change commits, so a crash in between loses
// none; each names the ticket, the change's sequence number and its entry's
// hash, and a worker acts on it only when that entry is the committed one
// (EffectCommitted), so the effects of a change that lost its race are
// dropped. RunEffects carries out the engine's own kinds; core/notify
// carries out notifications.
//
// # Schedulers
//
// Three loops run beside requests, each safe on any number of instances:
// the SLA scheduler (NewSLAScheduler) sweeps due SLA warnings and breaches
// under a lease and runs queued SLA hooks; the job scheduler (NewScheduler)
// runs the processes' scheduled Lua jobs once per scheduled time under a
// lease; RunEffects works off the engine's effects. core/app starts them.
//
// # Hooks
//
// Lua hooks (on_create, validate, compute, guard scripts, before and after
// hooks of transitions, action scripts, SLA hooks, jobs) run in
// core/script's sandbox with the engine as host (hooks_host.go): they read
// the ticket and the catalog, search tickets and assets through the store,
// and ask for changes and effects that the engine then checks and commits
// like any other. A failing hook leaves the ticket unchanged and is
// recorded in its internal history.
package engine
