package identity

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// listing is what one listing of people (People) reads once for all of
// them instead of once per person: the groups each group is a direct
// member of, and the login of each manager. A listing is a snapshot of
// the directory, so nothing here needs to expire; a login reads afresh.
type listing struct {
	parents  map[string][]string // normDN(group) → DNs of its groups
	managers map[string]string   // normDN(manager) → login, "" if none
}

func newListing() *listing {
	return &listing{parents: map[string][]string{}, managers: map[string]string{}}
}

// groups returns the DNs of the groups dn belongs to, directly or through
// nested groups. With member_of_filter the directory resolves the nesting
// (Active Directory's LDAP_MATCHING_RULE_IN_CHAIN); otherwise the groups
// are walked level by level, at most max_depth levels, which also ends
// cycles. With a listing the levels above the person's own groups are
// read once per group for all people, not once per person: in a listing
// of thousands of people the same few department groups come up for
// every one of them.
func (d *Directory) groups(ctx context.Context, c *ldap.Conn, dn string, l *listing) ([]string, error) {
	g := d.def.Groups
	base := g.Base
	if base == "" {
		base = domainOf(d.def.UserBase)
	}
	if g.MemberOfFilter != "" {
		filter := strings.ReplaceAll(g.MemberOfFilter, "{dn}", ldap.EscapeFilter(dn))
		found, err := d.searchDNs(c, base, filter)
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		return found, nil
	}
	filter := g.Filter
	if filter == "" {
		filter = "(member={dn})"
	}
	depth := g.MaxDepth
	if depth == 0 {
		depth = DefaultMaxDepth
	}
	seen := map[string]bool{normDN(dn): true}
	var out []string
	frontier := []string{dn}
	for level := 0; level < depth && len(frontier) > 0; level++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		var found []string
		var err error
		if l == nil || level == 0 {
			found, err = d.searchDNs(c, base, memberFilter(filter, frontier))
		} else {
			found, err = d.parentsOf(c, base, filter, frontier, l)
		}
		if err != nil {
			return nil, err
		}
		frontier = frontier[:0]
		for _, f := range found {
			if n := normDN(f); !seen[n] {
				seen[n] = true
				out = append(out, f)
				frontier = append(frontier, f)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// memberFilter is the group filter for members, or'ed: the groups any of
// them is a direct member of.
func memberFilter(filter string, members []string) string {
	var or strings.Builder
	or.WriteString("(|")
	for _, m := range members {
		or.WriteString(strings.ReplaceAll(filter, "{dn}", ldap.EscapeFilter(m)))
	}
	or.WriteString(")")
	return or.String()
}

// parentsOf returns the groups that the groups in frontier are direct
// members of, asking the directory only about groups the listing has not
// seen yet, one search each (an or'ed search would not say which group
// brought which parent).
func (d *Directory) parentsOf(c *ldap.Conn, base, filter string, frontier []string, l *listing) ([]string, error) {
	var out []string
	for _, f := range frontier {
		k := normDN(f)
		ps, ok := l.parents[k]
		if !ok {
			var err error
			if ps, err = d.searchDNs(c, base, memberFilter(filter, []string{f})); err != nil {
				return nil, err
			}
			l.parents[k] = ps
		}
		out = append(out, ps...)
	}
	return out, nil
}

func (d *Directory) searchDNs(c *ldap.Conn, base, filter string) ([]string, error) {
	res, err := c.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		filter, []string{"1.1"}, nil), 500)
	if err != nil {
		return nil, d.searchError("search groups "+filter, err)
	}
	out := make([]string, len(res.Entries))
	for i, e := range res.Entries {
		out[i] = e.DN
	}
	return out, nil
}

// grants maps group DNs to the roles and teams the definition declares.
func (d *Directory) grants(groups []string) (roles, teams []string) {
	member := map[string]bool{}
	for _, g := range groups {
		member[normDN(g)] = true
	}
	rs, ts := map[string]bool{}, map[string]bool{}
	for _, m := range d.def.Groups.Map {
		if !member[normDN(m.Group.Value)] {
			continue
		}
		for _, r := range m.Roles {
			rs[r.Value] = true
		}
		for _, t := range m.Teams {
			ts[t.Value] = true
		}
	}
	return keys(rs), keys(ts)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// domainOf is the trailing dc= part of dn (dc=example,dc=org of
// ou=people,dc=example,dc=org): groups rarely live below the users, so
// without a groups base the whole domain is searched. A DN without dc=
// parts is its own domain.
func domainOf(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return dn
	}
	i := len(parsed.RDNs)
	for i > 0 {
		rdn := parsed.RDNs[i-1]
		if len(rdn.Attributes) != 1 || !strings.EqualFold(rdn.Attributes[0].Type, "dc") {
			break
		}
		i--
	}
	if i == len(parsed.RDNs) {
		return dn
	}
	return (&ldap.DN{RDNs: parsed.RDNs[i:]}).String()
}
