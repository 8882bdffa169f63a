// Package scenario runs scenario tests of desks: YAML files that say "as
// user X, open process P with data D; expect state S, fields F, a mail N;
// as user Y run transition T; expect ...". Each scenario runs on a fresh
// embedded store in a temporary folder, through the same engine the
// server uses, with a clock that only the scenario moves, so expectations
// on times are exact.
//
// Scenario files are named *_test.yaml (or *_test.yml) and live beside the
// definitions; the definition loader leaves them out. `vorgang test` runs
// them, and so does `go test` for the shipped desks. docs/authoring.md
// describes the format.
package scenario
