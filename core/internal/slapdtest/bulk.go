package slapdtest

import (
	"fmt"
	"strings"
)

// BulkTeamSize is how many people share one team group in Bulk.
const BulkTeamSize = 50

// BulkDepartments is how many department groups Bulk spreads its teams
// over.
const BulkDepartments = 10

// BulkLogin is the login (uid) of the i-th person of Bulk, counted from
// 0; the password is BulkLogin(i)+"-pw".
func BulkLogin(i int) string { return fmt.Sprintf("p%05d", i) }

// Bulk is an LDIF of n people in nested groups, the shape of an
// organisation for load tests:
//
//	person p00000 … in team-0000 (BulkTeamSize people each);
//	team-0000 … in dept-00 … (teams dealt round the BulkDepartments);
//	every department in all-staff (three levels, as alice in People);
//	every person but the first of a team has that first person as
//	manager; preferredLanguage alternates de-DE and en.
//
// It uses the same user filter as People (UserFilter). Group DNs are
// cn=team-NNNN, cn=dept-NN and cn=all-staff below ou=groups.
func Bulk(n int) string {
	var b strings.Builder
	b.Grow(n * 330)
	teams := (n + BulkTeamSize - 1) / BulkTeamSize
	for i := range n {
		uid := BulkLogin(i)
		lang := "de-DE"
		if i%2 == 1 {
			lang = "en"
		}
		fmt.Fprintf(&b, "dn: uid=%[1]s,ou=people,%[2]s\nobjectClass: inetOrgPerson\nuid: %[1]s\ncn: Person %[3]d\nsn: %[3]d\n"+
			"displayName: Person %[3]d\nmail: %[1]s@example.org\npreferredLanguage: %[4]s\nuserPassword: %[1]s-pw\n",
			uid, Suffix, i, lang)
		if lead := i - i%BulkTeamSize; lead != i {
			fmt.Fprintf(&b, "manager: uid=%s,ou=people,%s\n", BulkLogin(lead), Suffix)
		}
		b.WriteString("\n")
	}
	for t := range teams {
		fmt.Fprintf(&b, "dn: cn=%[1]s,ou=groups,%[2]s\nobjectClass: groupOfNames\ncn: %[1]s\n", BulkTeam(t), Suffix)
		for i := t * BulkTeamSize; i < min(n, (t+1)*BulkTeamSize); i++ {
			fmt.Fprintf(&b, "member: uid=%s,ou=people,%s\n", BulkLogin(i), Suffix)
		}
		b.WriteString("\n")
	}
	for d := range min(BulkDepartments, teams) {
		fmt.Fprintf(&b, "dn: cn=%[1]s,ou=groups,%[2]s\nobjectClass: groupOfNames\ncn: %[1]s\n", BulkDepartment(d), Suffix)
		for t := d; t < teams; t += BulkDepartments {
			fmt.Fprintf(&b, "member: cn=%s,ou=groups,%s\n", BulkTeam(t), Suffix)
		}
		b.WriteString("\n")
	}
	if teams > 0 {
		fmt.Fprintf(&b, "dn: cn=all-staff,ou=groups,%[1]s\nobjectClass: groupOfNames\ncn: all-staff\n", Suffix)
		for d := range min(BulkDepartments, teams) {
			fmt.Fprintf(&b, "member: cn=%s,ou=groups,%s\n", BulkDepartment(d), Suffix)
		}
	}
	return b.String()
}

// BulkTeam is the cn of the t-th team group of Bulk.
func BulkTeam(t int) string { return fmt.Sprintf("team-%04d", t) }

// BulkDepartment is the cn of the d-th department group of Bulk.
func BulkDepartment(d int) string { return fmt.Sprintf("dept-%02d", d) }
