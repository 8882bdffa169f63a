package identity

import (
	"context"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// pageSize is how many entries one page of a listing holds; Active
// Directory answers at most 1000 per page.
const pageSize = 500

// People calls fn for every enabled person the user filter finds, with
// the person's position and the total, reading the directory page by
// page. The user filter is run with a presence test in place of {login}
// ("(uid=*)"), so the same filter decides who may sign in and who is
// listed. An error of fn stops the listing and is returned. Groups above
// a person's own and managers are read once per listing, not per person.
func (d *Directory) People(ctx context.Context, fn func(p *Person, i, total int) error) error {
	c, done, err := d.connect(ctx)
	if err != nil {
		return err
	}
	defer done()
	filter := strings.ReplaceAll(d.def.UserFilter, "{login}", "*")
	res, err := c.SearchWithPaging(ldap.NewSearchRequest(d.def.UserBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		filter, d.userAttributes(), nil), pageSize)
	if err != nil {
		return d.searchError("list "+filter, err)
	}
	// People Active Directory marks disabled are left out before counting,
	// so the total is of the people listed and the last one is at total-1.
	entries := slices.DeleteFunc(res.Entries, disabledInAD)
	l := newListing()
	for i, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := d.person(ctx, c, e, l)
		if err != nil {
			return err
		}
		if err := fn(p, i, len(entries)); err != nil {
			return err
		}
	}
	return nil
}
