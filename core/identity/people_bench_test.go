package identity_test

// BenchmarkPeople lists the people of a slapd loaded with slapdtest.Bulk
// (three levels of nested groups, a manager per team) with their groups
// and managers, the directory's part of a sync:
//
//	go test ./core/identity -run '^$' -bench BenchmarkPeople -benchtime 3x [-identity.people 5000]
//
// docs/benchmarks.md records the figures.

import (
	"flag"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/identity"
	"vorgang/core/internal/slapdtest"
)

var benchPeople = flag.Int("identity.people", 5000, "people in the directory of BenchmarkPeople")

func BenchmarkPeople(b *testing.B) {
	n := *benchPeople
	srv := slapdtest.Start(b, slapdtest.Options{LDIF: slapdtest.Bulk(n), LogOperations: true})
	p := provider(b, srv.URL, func(l *definition.LDAPProvider) {
		l.Groups.Map = []definition.LDAPGroupMap{{Group: definition.Ref{Value: "cn=all-staff,ou=groups," + slapdtest.Suffix}, Roles: []definition.Ref{{Value: "staff"}}}}
	})
	d := directory(b, p)
	ctx := b.Context()
	before := srv.Searches()
	for b.Loop() {
		listed := 0
		if err := d.People(ctx, func(p *identity.Person, i, total int) error { listed++; return nil }); err != nil {
			b.Fatal(err)
		}
		if listed != n {
			b.Fatalf("listed %d, want %d", listed, n)
		}
	}
	b.ReportMetric(float64(srv.Searches()-before)/float64(b.N), "searches/op")
}
