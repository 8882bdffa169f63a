package identity_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/identity"
	"vorgang/core/internal/slapdtest"
)

// provider is an ldap IdentityProvider for a slapdtest server: the bind
// password comes from a file, as in production.
func provider(t testing.TB, url string, mod func(*definition.LDAPProvider)) *definition.IdentityProvider {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "bind")
	if err := os.WriteFile(secret, []byte(slapdtest.RootPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := &definition.LDAPProvider{
		URL:          definition.Ref{Value: url},
		BindDN:       slapdtest.RootDN,
		BindPassword: &definition.Secret{File: definition.Ref{Value: secret}},
		Timeout:      "5s",
		UserBase:     "ou=people," + slapdtest.Suffix,
		UserFilter:   slapdtest.UserFilter,
		Attributes:   definition.LDAPAttributes{Login: "uid", DisplayName: "displayName", Email: "mail", Lang: "preferredLanguage", Manager: "manager"},
		Groups: definition.LDAPGroups{
			Base: "ou=groups," + slapdtest.Suffix,
			Map: []definition.LDAPGroupMap{
				{Group: definition.Ref{Value: "cn=helpdesk,ou=groups,dc=example,dc=org"}, Teams: []definition.Ref{{Value: "it-support"}}},
				{Group: definition.Ref{Value: "CN=Staff, OU=Groups, DC=Example, DC=Org"}, Roles: []definition.Ref{{Value: "staff"}}},
				{Group: definition.Ref{Value: "cn=loop-b,ou=groups,dc=example,dc=org"}, Roles: []definition.Ref{{Value: "looped"}}},
			},
		},
	}
	if mod != nil {
		mod(l)
	}
	return &definition.IdentityProvider{Meta: definition.Meta{ID: definition.Ref{Value: "verzeichnis"}}, Type: "ldap", LDAP: l}
}

func directory(t testing.TB, p *definition.IdentityProvider) *identity.Directory {
	t.Helper()
	d, err := identity.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAuthenticate(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.People})
	d := directory(t, provider(t, srv.URL, nil))
	tests := []struct {
		name, login, password string
		want                  error
		wantLogin             string
	}{
		{name: "uid", login: "alice", password: "alice-pw", wantLogin: "alice"},
		{name: "upn style", login: "alice@example.org", password: "alice-pw", wantLogin: "alice"},
		{name: "dn", login: "uid=alice,ou=people,dc=example,dc=org", password: "alice-pw", wantLogin: "alice"},
		{name: "dn other spelling", login: "UID=alice, OU=people, DC=example, DC=org", password: "alice-pw", wantLogin: "alice"},
		{name: "wrong password", login: "alice", password: "bob-pw", want: identity.ErrInvalidCredentials},
		{name: "empty password", login: "alice", password: "", want: identity.ErrInvalidCredentials},
		{name: "unknown", login: "mallory", password: "x", want: identity.ErrNotFound},
		{name: "disabled", login: "carol", password: "carol-pw", want: identity.ErrNotFound},
		{name: "disabled by dn", login: "uid=carol,ou=people,dc=example,dc=org", password: "carol-pw", want: identity.ErrNotFound},
		{name: "dn outside user base", login: "cn=admin,dc=example,dc=org", password: slapdtest.RootPassword, want: identity.ErrNotFound},
		{name: "filter injection", login: "*", password: "alice-pw", want: identity.ErrNotFound},
		{name: "filter injection or", login: "alice)(uid=*", password: "alice-pw", want: identity.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := d.Authenticate(context.Background(), tt.login, tt.password)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("got %v, %v; want %v", p, err, tt.want)
				}
				if k := fault.KindOf(err); k != fault.Unauthenticated {
					t.Errorf("kind %v, want unauthenticated", k)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Login != tt.wantLogin {
				t.Errorf("login %q, want %q", p.Login, tt.wantLogin)
			}
		})
	}
}

func TestPersonProfileAndGroups(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.People})
	for _, tt := range []struct {
		name        string
		depth       int
		memberOf    string
		wantRoles   []string
		wantTeams   []string
		wantGroups  int
		login, pass string
	}{
		// helpdesk → it → staff, and loop-a ⇄ loop-b.
		{name: "nested", login: "alice", pass: "alice-pw", wantRoles: []string{"looped", "staff"}, wantTeams: []string{"it-support"}, wantGroups: 5},
		{name: "depth bounds nesting", depth: 1, login: "alice", pass: "alice-pw", wantRoles: nil, wantTeams: []string{"it-support"}, wantGroups: 2},
		// The directory resolves nesting itself (Active Directory's in-chain
		// rule); OpenLDAP has no such rule, so a plain membership filter
		// shows that vorgang then takes the answer as it is.
		{name: "member_of_filter", memberOf: "(member={dn})", login: "alice", pass: "alice-pw", wantTeams: []string{"it-support"}, wantGroups: 2},
		{name: "direct member", login: "bob", pass: "bob-pw", wantRoles: []string{"staff"}, wantGroups: 1},
		{name: "no groups", login: "dave", pass: "dave-pw", wantGroups: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := directory(t, provider(t, srv.URL, func(l *definition.LDAPProvider) { l.Groups.MaxDepth, l.Groups.MemberOfFilter = tt.depth, tt.memberOf }))
			p, err := d.Authenticate(context.Background(), tt.login, tt.pass)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Roles, tt.wantRoles) && len(p.Roles)+len(tt.wantRoles) > 0 {
				t.Errorf("roles %v, want %v", p.Roles, tt.wantRoles)
			}
			if !slices.Equal(p.Teams, tt.wantTeams) && len(p.Teams)+len(tt.wantTeams) > 0 {
				t.Errorf("teams %v, want %v", p.Teams, tt.wantTeams)
			}
			if len(p.Groups) != tt.wantGroups {
				t.Errorf("groups %v, want %d", p.Groups, tt.wantGroups)
			}
		})
	}
	t.Run("profile", func(t *testing.T) {
		d := directory(t, provider(t, srv.URL, nil))
		p, err := d.Authenticate(context.Background(), "alice", "alice-pw")
		if err != nil {
			t.Fatal(err)
		}
		want := identity.Person{DN: "uid=alice,ou=people,dc=example,dc=org", Login: "alice", DisplayName: "Alice Adler",
			Email: "alice@example.org", Lang: "en", Manager: "bob"}
		p.Groups, p.Roles, p.Teams = nil, nil, nil
		if !reflect.DeepEqual(*p, want) {
			t.Errorf("got %+v\nwant %+v", *p, want)
		}
	})
}

func TestTLS(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{TLS: true, LDIF: slapdtest.People})
	tests := []struct {
		name    string
		url     string
		mod     func(*definition.LDAPProvider)
		wantErr error
	}{
		{name: "starttls", url: srv.URL, mod: func(l *definition.LDAPProvider) { l.StartTLS, l.CAFile = true, definition.Ref{Value: srv.CAFile} }},
		{name: "ldaps", url: srv.LDAPSURL, mod: func(l *definition.LDAPProvider) { l.CAFile = definition.Ref{Value: srv.CAFile} }},
		{name: "ldaps with an unknown authority", url: srv.LDAPSURL, wantErr: identity.ErrUnavailable},
		{name: "starttls with an unknown authority", url: srv.URL, mod: func(l *definition.LDAPProvider) { l.StartTLS = true }, wantErr: identity.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := directory(t, provider(t, tt.url, tt.mod))
			p, err := d.Authenticate(context.Background(), "alice", "alice-pw")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || fault.KindOf(err) != fault.Unavailable {
					t.Fatalf("got %v, %v; want %v", p, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Login != "alice" {
				t.Errorf("login %q", p.Login)
			}
		})
	}
}

func TestDirectoryDown(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.People})
	d := directory(t, provider(t, srv.URL, nil))
	srv.Stop()
	_, err := d.Authenticate(context.Background(), "alice", "alice-pw")
	if !errors.Is(err, identity.ErrUnavailable) || fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("got %v, want unavailable", err)
	}
}

func TestWrongServiceAccount(t *testing.T) {
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.People})
	d := directory(t, provider(t, srv.URL, func(l *definition.LDAPProvider) { l.BindDN = "cn=nobody,dc=example,dc=org" }))
	_, err := d.Authenticate(context.Background(), "alice", "alice-pw")
	if !errors.Is(err, identity.ErrUnavailable) {
		t.Fatalf("got %v, want unavailable: nobody can sign in while the service account is refused", err)
	}
}

// TestPeople: a listing says of each person what their own login says
// (profile, manager, nested groups through cycles), and asks the
// directory about the groups above a person's own and about managers once
// per listing, not once per person.
func TestPeople(t *testing.T) {
	const n = 120
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: slapdtest.People + "\n" + slapdtest.Bulk(n), LogOperations: true})
	d := directory(t, provider(t, srv.URL, func(l *definition.LDAPProvider) {
		l.Groups.Map = append(l.Groups.Map, definition.LDAPGroupMap{Group: definition.Ref{Value: "cn=all-staff,ou=groups,dc=example,dc=org"}, Roles: []definition.Ref{{Value: "everyone"}}})
	}))
	ctx := context.Background()
	listed := map[string]*identity.Person{}
	before := srv.Searches()
	err := d.People(ctx, func(p *identity.Person, i, total int) error {
		if total != n+3 { // carol is disabled
			t.Errorf("total %d, want %d", total, n+3)
		}
		listed[p.Login] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	searches := srv.Searches() - before
	if len(listed) != n+3 {
		t.Fatalf("listed %d people, want %d", len(listed), n+3)
	}
	// One search for the list, one per person for their own groups, and
	// a few for the groups above and the managers, however many people
	// share them.
	if limit := 1 + len(listed) + 30; searches > limit {
		t.Errorf("%d searches to list %d people, want at most %d", searches, len(listed), limit)
	}
	for _, login := range []string{"alice", "bob", "dave", slapdtest.BulkLogin(0), slapdtest.BulkLogin(1), slapdtest.BulkLogin(n - 1)} {
		want, err := d.Authenticate(ctx, login, login+"-pw")
		if err != nil {
			t.Fatalf("%s: %v", login, err)
		}
		if got := listed[login]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s listed as %+v, signs in as %+v", login, got, want)
		}
	}
	if p := listed[slapdtest.BulkLogin(n-1)]; len(p.Groups) != 3 || p.Manager != slapdtest.BulkLogin(100) || !slices.Equal(p.Roles, []string{"everyone"}) {
		t.Errorf("%s: %+v, want three groups, the team's first as manager, the role of all staff", p.Login, p)
	}
}

// TestPeopleDisabledInAD: people Active Directory marks disabled are left
// out of a listing and out of its total, so the last person listed is the
// total's last even when the directory's last entries are disabled.
func TestPeopleDisabledInAD(t *testing.T) {
	ldif := slapdtest.People
	for _, uid := range []string{"erik", "frida"} {
		ldif += fmt.Sprintf("\ndn: uid=%[1]s,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nobjectClass: adAccount\n"+
			"uid: %[1]s\ncn: %[1]s\nsn: %[1]s\nuserAccountControl: 514\nuserPassword: %[1]s-pw\n", uid)
	}
	srv := slapdtest.Start(t, slapdtest.Options{LDIF: ldif})
	d := directory(t, provider(t, srv.URL, nil))
	var listed []string
	last, total := -1, 0
	err := d.People(context.Background(), func(p *identity.Person, i, n int) error {
		listed = append(listed, p.Login)
		last, total = i, n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	if want := []string{"alice", "bob", "dave"}; !slices.Equal(listed, want) {
		t.Errorf("listed %v, want %v", listed, want)
	}
	if total != len(listed) || last != total-1 {
		t.Errorf("last position %d of %d for %d people listed, want %d of %d", last, total, len(listed), len(listed)-1, len(listed))
	}
	if _, err := d.Authenticate(context.Background(), "erik", "erik-pw"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("erik, disabled in AD, signs in: %v", err)
	}
}
