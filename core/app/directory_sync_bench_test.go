package app_test

// The directory benchmarks run vorgang against a real slapd loaded with
// slapdtest.Bulk (people in team, department and all-staff groups, three
// levels of nesting) on the embedded store:
//
//	go test ./core/app -run '^$' -bench BenchmarkDirectory -benchtime 1x [-directory.people 5000]
//
// Loading 5,000 people into slapd takes a few seconds per benchmark.
// docs/benchmarks.md records the figures.

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	// Only core/identity speaks LDAP; this benchmark uses go-ldap
	// directly to time what the directory alone needs for a login, the
	// floor vorgang's own figure is compared with.
	"github.com/go-ldap/ldap/v3"

	"vorgang/core/app"
	"vorgang/core/definition"
	"vorgang/core/identity"
	"vorgang/core/internal/slapdtest"
	"vorgang/core/internal/testkit"
)

var (
	benchPeople = flag.Int("directory.people", 5000, "people in the directory of BenchmarkDirectory*")
	benchLogins = flag.Int("directory.logins", 300, "logins measured per sub-benchmark of BenchmarkDirectoryLogin")
)

// benchDirectoryFile is the IdentityProvider of a Bulk directory: the
// first team is the IT first level, all staff (three levels up) are
// procurement team leads, so every person has a role.
func benchDirectoryFile(tb testing.TB, srv *slapdtest.Server) definition.File {
	tb.Helper()
	secret := filepath.Join(tb.TempDir(), "bind")
	if err := os.WriteFile(secret, []byte(slapdtest.RootPassword), 0o600); err != nil {
		tb.Fatal(err)
	}
	def := fmt.Sprintf(`apiVersion: vorgang/v1
kind: IdentityProvider
id: verzeichnis
title: Verzeichnis
type: ldap
ldap:
  url: %[1]s
  bind_dn: %[2]s
  bind_password: {file: %[3]s}
  user_base: ou=people,%[4]s
  user_filter: %[5]q
  attributes: {login: uid, display_name: displayName, email: mail, lang: preferredLanguage, manager: manager}
  groups:
    base: ou=groups,%[4]s
    map:
      - group: cn=%[6]s,ou=groups,%[4]s
        teams: [it-1st-level]
      - group: cn=all-staff,ou=groups,%[4]s
        roles: [team-lead]
`, srv.URL, slapdtest.RootDN, secret, slapdtest.Suffix, slapdtest.UserFilter, slapdtest.BulkTeam(0))
	return definition.File{Path: "identity.yaml", Data: []byte(def)}
}

// benchDirectoryApp is an app over the shipped desks and srv's directory.
func benchDirectoryApp(tb testing.TB, srv *slapdtest.Server, logger *slog.Logger) (*app.App, *definition.Catalog) {
	tb.Helper()
	cat := testkit.Compile(tb, append(testkit.DeskFiles(tb), benchDirectoryFile(tb, srv)))
	return testkit.NewApp(tb, app.Config{Catalog: testkit.Fixed(cat), Logger: logger}), cat
}

type latencies []time.Duration

// pct is the p-quantile in milliseconds, as core/store's benchmarks
// report it.
func (l latencies) pct(p float64) float64 {
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[int(float64(len(s)-1)*p)].Microseconds()) / 1000
}

func (l latencies) report(b *testing.B, name string) {
	b.ReportMetric(l.pct(0.50), name+"-p50-ms")
	b.ReportMetric(l.pct(0.95), name+"-p95-ms")
}

// rawLogin is what any LDAP login needs of the directory, done with
// go-ldap alone: connect, bind as the service account, search the person
// by the user filter, bind as the person.
func rawLogin(url, login, password string) error {
	c, err := ldap.DialURL(url)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Bind(slapdtest.RootDN, slapdtest.RootPassword); err != nil {
		return err
	}
	res, err := c.Search(ldap.NewSearchRequest("ou=people,"+slapdtest.Suffix, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 0, false,
		strings.ReplaceAll(slapdtest.UserFilter, "{login}", ldap.EscapeFilter(login)),
		[]string{"uid", "displayName", "mail", "preferredLanguage", "manager"}, nil))
	if err != nil {
		return err
	}
	if len(res.Entries) != 1 {
		return fmt.Errorf("%d entries for %s", len(res.Entries), login)
	}
	return c.Bind(res.Entries[0].DN, password)
}

// BenchmarkDirectoryLogin measures a directory user's password login
// (core/auth's login path through the app: throttle counters, the
// directory, the user's record, the session) against what the directory
// alone needs for it (rawLogin), and core/identity's part in between
// (the person's entry, manager and nested groups). Each login is of
// another person, timed right after the raw and identity calls for that
// person, so a change of load affects all three alike; "share" is the
// login's time less the raw directory time of the same person.
//
// Then it checks a request's session check: -directory.logins session
// checks of a directory user, and how many connections slapd accepted
// meanwhile (it must be 0).
func BenchmarkDirectoryLogin(b *testing.B) {
	n, ops := *benchPeople, *benchLogins
	if ops > n {
		ops = n
	}
	srv := slapdtest.Start(b, slapdtest.Options{LDIF: slapdtest.Bulk(n), LogOperations: true})
	a, cat := benchDirectoryApp(b, srv, testkit.Quiet)
	dir, err := identity.New(cat.Directory())
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	// A few logins unmeasured: the first calls pay for set-up and
	// caches.
	for i := range 5 {
		login := slapdtest.BulkLogin(n - 1 - i)
		if err := rawLogin(srv.URL, login, login+"-pw"); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Auth.Login(ctx, login, login+"-pw", "198.51.100.1"); err != nil {
			b.Fatal(err)
		}
	}
	// first: the person's first login makes the user; again: the same
	// people once more, their users unchanged.
	for _, round := range []string{"first", "again"} {
		b.Run(round, func(b *testing.B) {
			for b.Loop() {
				var raw, ident, login, share latencies
				for i := range ops {
					name := slapdtest.BulkLogin(i * (n - 5) / ops)
					pw := name + "-pw"
					start := time.Now()
					if err := rawLogin(srv.URL, name, pw); err != nil {
						b.Fatal(err)
					}
					r := time.Since(start)
					start = time.Now()
					if _, err := dir.Authenticate(ctx, name, pw); err != nil {
						b.Fatal(err)
					}
					id := time.Since(start)
					start = time.Now()
					if _, err := a.Auth.Login(ctx, name, pw, fmt.Sprintf("198.51.100.%d", 10+i%200)); err != nil {
						b.Fatal(err)
					}
					l := time.Since(start)
					raw, ident, login, share = append(raw, r), append(ident, id), append(login, l), append(share, l-r)
				}
				login.report(b, "login")
				raw.report(b, "raw")
				ident.report(b, "identity")
				share.report(b, "share")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
	b.Run("session", func(b *testing.B) {
		login := slapdtest.BulkLogin(1)
		s, err := a.Auth.Login(ctx, login, login+"-pw", "198.51.100.2")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			before := srv.Connections()
			var checks latencies
			for range ops {
				start := time.Now()
				if _, err := a.Auth.Authenticate(ctx, s.Token); err != nil {
					b.Fatal(err)
				}
				checks = append(checks, time.Since(start))
			}
			checks.report(b, "check")
			b.ReportMetric(float64(srv.Connections()-before), "directory-connections")
			b.ReportMetric(0, "ns/op")
		}
	})
}

// BenchmarkDirectorySync measures SyncDirectory over -directory.people
// people: "first" into an empty store (every user created), "again" with
// nothing changed, the sync's usual run. It reports the time of each and
// how many progress lines each logged.
func BenchmarkDirectorySync(b *testing.B) {
	n := *benchPeople
	srv := slapdtest.Start(b, slapdtest.Options{LDIF: slapdtest.Bulk(n)})
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		var logs testkit.LogBuffer
		a, _ := benchDirectoryApp(b, srv, logs.Logger(slog.LevelInfo))
		ctx := b.Context()
		b.StartTimer()
		lines := 0
		for _, round := range []string{"first", "again"} {
			start := time.Now()
			if err := a.SyncDirectory(ctx); err != nil {
				b.Fatal(err)
			}
			d := time.Since(start)
			total := strings.Count(logs.String(), "directory sync progress")
			b.Logf("%s sync of %d people: %s, %d progress lines", round, n, d.Round(time.Millisecond), total-lines)
			b.ReportMetric(d.Seconds(), round+"-s")
			b.ReportMetric(float64(total-lines), round+"-progress-lines")
			lines = total
		}
		b.StopTimer()
		users, err := a.Auth.ListUsers(ctx, "", 0)
		if err != nil {
			b.Fatal(err)
		}
		if len(users) != n {
			b.Fatalf("%d users after the sync, want %d", len(users), n)
		}
		b.ReportMetric(0, "ns/op")
		b.StartTimer()
	}
}
