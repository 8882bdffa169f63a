package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// DirectorySync is one run of the directory sync: it creates and updates
// the users of many people at a time. Made one person at a time, a user
// costs an insert and a compare-and-set of each member list it joins, each
// a synced write of the embedded store (about 12 ms, a minute for 5,000
// people); here a batch costs one insert of all its new users, one update
// per changed user and one compare-and-set per member-list document it
// touches, and an unchanged user costs no write at all.
//
// It reads every user once when it starts and keeps them as it writes
// them, so it need not read them person by person. Every write is still a
// compare-and-set against the stored version (or an insert that fails on
// an existing _id), so a login or an administrator changing a user while
// the sync runs is never overwritten: such a person is synced again on
// their own, as SyncDirectoryUser does. Anything out of the ordinary (a
// local account of the name, a user given a password by hand) is also
// left to SyncDirectoryUser.
//
// A DirectorySync is used by one goroutine.
type DirectorySync struct {
	s *Service
	// users are every user as the run last read or wrote them.
	users map[string]*User
	// buckets are member-list documents as the run last wrote them.
	buckets map[string]*group
}

// NewDirectorySync starts a run of the directory sync: it reads every user.
func (s *Service) NewDirectorySync(ctx context.Context) (*DirectorySync, error) {
	// The member lists are completed first, while the users are the few of
	// before the sync rather than the many it makes.
	if err := s.buildGroups(ctx); err != nil {
		return nil, fmt.Errorf("auth: directory sync: %w", err)
	}
	users, err := s.allUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: directory sync: %w", err)
	}
	d := &DirectorySync{s: s, users: make(map[string]*User, len(users)), buckets: map[string]*group{}}
	for i := range users {
		d.users[users[i].Name] = &users[i]
	}
	return d, nil
}

// allUsers reads every user record in one query.
func (s *Service) allUsers(ctx context.Context) ([]User, error) {
	var users []User
	if err := s.db.Find(ctx, UsersCollection, store.Find{Shape: shapeAllUsers}, &users); err != nil {
		return nil, fmt.Errorf("auth: read users: %w", err)
	}
	return slices.DeleteFunc(users, func(u User) bool { return u.Name == groupsBuilt }), nil
}

// Sync creates or updates the users of people, as SyncDirectoryUser does
// for one, and returns one error per person, nil for those synced. A
// person whose entry vorgang cannot take (an invalid name, a role not
// defined) fails alone; when a write of the batch fails, its people are
// synced one by one instead, so one failure costs no one else their
// update.
func (d *DirectorySync) Sync(ctx context.Context, people []*DirectoryPerson) []error {
	s := d.s
	errs := make([]error, len(people))
	b := d.plan(ctx, people, errs)

	if err := s.applyBuckets(ctx, b.joins, true, d.buckets); err != nil {
		s.log.WarnContext(ctx, "directory sync: member lists not written for a batch; its people are synced one by one", slog.Any("error", err))
		for _, w := range b.creates {
			b.alone = append(b.alone, w.at)
		}
		for _, w := range b.updates {
			b.alone = append(b.alone, w.at)
		}
		b.creates, b.updates = nil, nil
	}
	d.create(ctx, b)
	leaves := bucketChanges{}
	for _, w := range b.updates {
		v, err := s.db.Update(ctx, UsersCollection, w.u.Name, w.u.Version, map[string]any{"$set": w.set})
		if err != nil {
			// Changed since the run read it (or the write failed): synced
			// on its own, which reads it again.
			b.alone = append(b.alone, w.at)
			continue
		}
		w.u.Version = v
		d.users[w.u.Name] = w.u
		leaves.add(w.u.Name, w.leave)
	}
	// Names leave their lists only after the user record is written, so a
	// crash in between leaves an extra name, never a missing one.
	if err := s.applyBuckets(ctx, leaves, false, d.buckets); err != nil {
		s.log.WarnContext(ctx, "users left in member lists; they are skipped when read", slog.Any("error", err))
	}
	d.alone(ctx, people, b, errs)
	return errs
}

// batch is what Sync plans to write for a batch of people.
type batch struct {
	creates []write
	updates []write
	// joins are the member-list changes of both, made before the users
	// are written.
	joins bucketChanges
	// alone are the people (by index) synced one by one.
	alone []int
	// managers are the manager names the batch gave its people, by index.
	managers map[int]string
}

// write is the new record of one person's user.
type write struct {
	at int
	u  *User
	// set and leave are an update's changed fields and the groups the
	// user leaves.
	set   map[string]any
	leave []string
}

// plan decides each person's write and checks it, setting errs for those
// whose entry cannot be taken.
func (d *DirectorySync) plan(ctx context.Context, people []*DirectoryPerson, errs []error) *batch {
	s := d.s
	b := &batch{joins: bucketChanges{}, managers: map[int]string{}}
	names := make([]string, len(people))
	// inBatch are the people of the batch a user is made for (or kept):
	// they can be their colleagues' managers.
	inBatch := map[string]bool{}
	taken := map[string]bool{}
	for i, p := range people {
		names[i] = NormalizeName(p.Login)
		inBatch[names[i]] = true
	}
	now := s.now()
	for i, p := range people {
		name := names[i]
		if taken[name] {
			// The same name twice in a batch: the second goes alone,
			// after the first is written.
			b.alone = append(b.alone, i)
			continue
		}
		taken[name] = true
		manager := NormalizeName(p.Manager)
		if manager == name || (d.users[manager] == nil && !inBatch[manager]) {
			manager = ""
		}
		b.managers[i] = manager
		old := d.users[name]
		if old == nil {
			u := &User{Name: name, DisplayName: p.DisplayName, Email: p.Email, Roles: normalizeRefs(p.Roles),
				Teams: normalizeRefs(p.Teams), Manager: manager, Lang: p.Lang, Source: SourceDirectory,
				Version: 1, Created: now, Updated: now}
			if u.DisplayName == "" {
				u.DisplayName = name
			}
			var fe fieldErrors
			checkName(&fe, "name", u.Name)
			if err := s.checkProfile(ctx, &fe, u, allProfileFields&^fieldManager); err != nil {
				errs[i] = fmt.Errorf("auth: create user %s: %w", u.Name, err)
				continue
			}
			if err := fe.err(); err != nil {
				errs[i] = fmt.Errorf("auth: create user: %w", err)
				inBatch[name] = false
				continue
			}
			b.creates = append(b.creates, write{at: i, u: u})
			b.joins.add(name, groupsOf(u))
			continue
		}
		if old.Source != SourceDirectory || old.PasswordHash != "" {
			b.alone = append(b.alone, i)
			continue
		}
		u, set, changed := directoryChange(old, p, manager)
		if len(set) == 0 {
			continue
		}
		var fe fieldErrors
		if err := s.checkProfile(ctx, &fe, u, changed&^fieldManager); err != nil {
			errs[i] = fmt.Errorf("auth: update user %s: %w", u.Name, err)
			continue
		}
		if err := fe.err(); err != nil {
			errs[i] = fmt.Errorf("auth: update user %s: %w", u.Name, err)
			continue
		}
		set["updated"] = now
		u.Updated = now
		before, after := groupsOf(old), groupsOf(u)
		b.updates = append(b.updates, write{at: i, u: u, set: set, leave: without(before, after)})
		b.joins.add(name, without(after, before))
	}
	return b
}

// directoryChange returns old changed to what the directory says of p, the
// fields to $set and which profile fields changed (as checkProfile takes
// them). The person's disabled state is the administrator's, never the
// sync's.
func directoryChange(old *User, p *DirectoryPerson, manager string) (*User, map[string]any, int) {
	u := *old
	set := map[string]any{}
	changed := 0
	display := p.DisplayName
	if display == "" {
		display = u.Name
	}
	if display != u.DisplayName {
		u.DisplayName, set["display_name"] = display, display
		changed |= fieldDisplayName
	}
	if p.Email != u.Email {
		u.Email, set["email"] = p.Email, p.Email
		changed |= fieldEmail
	}
	if p.Lang != u.Lang {
		u.Lang, set["lang"] = p.Lang, p.Lang
		changed |= fieldLang
	}
	if manager != u.Manager {
		u.Manager, set["manager"] = manager, manager
		changed |= fieldManager
	}
	if roles := normalizeRefs(p.Roles); !slices.Equal(roles, u.Roles) {
		u.Roles, set["roles"] = roles, roles
		changed |= fieldRoles
	}
	if teams := normalizeRefs(p.Teams); !slices.Equal(teams, u.Teams) {
		u.Teams, set["teams"] = teams, teams
		changed |= fieldTeams
	}
	return &u, set, changed
}

// create inserts the batch's new users in one request. A user whose name
// was taken meanwhile (a first login during the sync) is synced alone, as
// are the rest when the request fails otherwise.
func (d *DirectorySync) create(ctx context.Context, b *batch) {
	todo := b.creates
	for len(todo) > 0 {
		docs := make([]any, len(todo))
		for i, w := range todo {
			docs[i] = w.u
		}
		n, err := d.s.db.InsertMany(ctx, UsersCollection, docs)
		for _, w := range todo[:n] {
			d.users[w.u.Name] = w.u
		}
		if err == nil {
			return
		}
		if !errors.Is(err, store.ErrDuplicate) {
			d.s.log.WarnContext(ctx, "directory sync: users of a batch not inserted; they are synced one by one", slog.Any("error", err))
			for _, w := range todo[n:] {
				b.alone = append(b.alone, w.at)
			}
			return
		}
		b.alone = append(b.alone, todo[n].at)
		todo = todo[n+1:]
	}
}

// alone syncs the people of b.alone one by one, then again those whose
// manager the batch named but could not make a user of, so no user is
// left with a manager who is none.
func (d *DirectorySync) alone(ctx context.Context, people []*DirectoryPerson, b *batch, errs []error) {
	slices.Sort(b.alone)
	for _, i := range b.alone {
		errs[i] = d.one(ctx, people[i])
	}
	for i, m := range b.managers {
		if m != "" && d.users[m] == nil && !slices.Contains(b.alone, i) && errs[i] == nil {
			errs[i] = d.one(ctx, people[i])
		}
	}
}

// one syncs a person as SyncDirectoryUser does and keeps the result.
func (d *DirectorySync) one(ctx context.Context, p *DirectoryPerson) error {
	u, err := d.s.SyncDirectoryUser(ctx, p)
	if u != nil {
		d.users[u.Name] = u
	}
	return err
}

// DisableUsersExcept disables every enabled directory user whose name keep
// does not hold: the sync's answer to people who left. Users are never
// deleted, so their tickets and history keep their names. It returns the
// names it disabled.
//
// It goes by the users the run read at its start and wrote since, not by
// a second reading of them all. A user the run does not know as an enabled
// directory user (one made or enabled meanwhile) is looked at again by the
// next run; one changed meanwhile is left to it too, as the change is
// checked against the version the run knows.
func (d *DirectorySync) DisableUsersExcept(ctx context.Context, keep map[string]bool) ([]string, error) {
	var disabled []string
	yes := true
	for _, name := range slices.Sorted(maps.Keys(d.users)) {
		u := d.users[name]
		if u.Source != SourceDirectory || u.Disabled || keep[u.Name] {
			continue
		}
		changed, err := d.s.UpdateUser(ctx, u.Name, u.Version, UserChange{Disabled: &yes})
		if err != nil {
			if fault.KindOf(err) == fault.Conflict {
				continue // changed meanwhile: the next run looks again
			}
			return disabled, fmt.Errorf("auth: disable directory user %s: %w", u.Name, err)
		}
		d.users[name] = changed
		disabled = append(disabled, u.Name)
	}
	return disabled, nil
}
