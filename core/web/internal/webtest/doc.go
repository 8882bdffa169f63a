// Package webtest holds what the tests of core/web and of its areas share:
// helpers for the running app under test, used by the tests of more than
// one package (each area's own helpers stay beside its tests).
package webtest
