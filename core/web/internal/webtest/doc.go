// Package webtest holds what the tests of core/web and of its areas share:
// the whole app with its pages and API over the shipped desks plus a
// citizen test desk (UIEnv), an HTTP browser with cookies that shows each
// response (Browser), a headless Chromium with one tab per person
// (StartChrome) and the axe-core accessibility check (RunAxe), tickets and
// posts the tests of several areas start from (a citizen request, an order
// waiting for approval, an anonymous API create), two-factor enrolment, a
// small PNG, a small version of the definitions, and the log of a server
// under test (LogBuffer). Each area's own helpers stay beside its tests.
package webtest
