// Package testkit holds what the tests of several packages share: the
// shipped desks compiled from the binary's embedded copy, a settable clock,
// a fresh embedded store per test, and the whole application built through
// core/app on one.
//
// Every store lives in the test's own temporary folder, so tests that each
// open one may run in parallel (t.Parallel).
package testkit
