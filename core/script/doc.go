// Package script runs the Lua hooks of the definitions in a sandbox.
//
// A script sees only the safe part of Lua's base library, the string, table
// and math libraries (without string.dump, math.randomseed, load, dofile,
// getfenv/setfenv, rawset and collectgarbage) and vorgang's own API:
// ticket, event, tickets, assets, catalog, time, log, json and require (of
// other scripts of the catalog only). docs/lua.md describes the API.
//
// Every call has a wall-clock limit (Config.Timeout, per hook
// Config.HookTimeouts), a call-stack and a data-stack limit, and a memory
// bound shared by all running calls (Config.MaxMemory). Every function that
// builds a string, `..` included, learns the size of its result before it
// allocates it (Config.MaxString), and the long-running library functions
// look at the call's context, so no single library call can run far past
// a limit. A call that broke a limit at any point fails, and its state is
// thrown away, so the next call starts clean.
//
// Scripts never write anything themselves: a call returns the changes the
// script asked for (Result.Changes), and the engine applies them through its
// normal paths, so permissions, validation and history apply, and a failing
// script changes nothing. Reads go through the small Host interface the
// engine implements.
//
// States are pooled: a Runtime keeps up to Config.PoolSize prepared states
// per catalog version and runs the prototypes the definition loader compiled
// (definition.Script.Proto); no script is parsed again per call.
package script
