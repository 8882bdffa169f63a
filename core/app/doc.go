// Package app is vorgang's composition root: it opens the store and builds
// the services on it (auth, assets, engine, the notification worker) in one
// place (and the mail-in poller on the engine), runs their background loops,
// and closes everything in order.
//
// The binary, the scenario runner and the tests build the application the
// same way, each with its own clock (Config.Now) and definitions
// (Config.Catalog):
//
//	a, err := app.New(ctx, app.Config{DataDir: dir, Catalog: live.Catalog})
//	...
//	go a.Run(ctx)         // the loops, until ctx ends or Close
//	defer a.Close(ctx)    // waits for the loops, then closes the store
//
// New only builds; nothing runs in the background until Run. Commands that
// do one thing and exit (create a user, verify the audit chain) never call
// Run. Run starts every loop under one group: the outbox worker, the SLA
// scheduler, the scheduled jobs, follow-up work (child tickets), the session
// sweep, the upload sweep (files no ticket took), the directory sync, the
// reading of the mailboxes and the LMTP listener (core/mailin), the asset
// index warm-up,
// and any loop the caller adds with Config.Loops (the definition watch of
// `vorgang serve`). Close stops them and waits for every one before the
// store closes, so no loop writes to a closed database.
//
// The package knows no HTTP: core/web takes the App's parts, and cmd wires
// the web server onto them.
package app
