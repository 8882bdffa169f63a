package auth

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"slices"

	"vorgang/core/fault"
	"vorgang/core/store"
)

// GroupsCollection holds the member lists of every team and role, and of
// all users, each spread over groupBuckets documents read by _id
// ("team:<id>#07", "role:<id>#31", "all#00"): a name goes to the bucket
// its hash picks. Listing the members of a team reads those documents and
// then each member by _id, instead of filtering users by team (a scan of
// the whole collection on the embedded store). The buckets keep each write
// small: with one document per group, creating the n-th user rewrote a
// list of n names, and a directory's first sync of 5,000 people took 16
// minutes.
//
// A list holds at least the users that belong: a user is added before the
// user record is written and removed only after, so a crash in between
// leaves an extra name, never a missing one. Readers check every member
// against the user record, which makes the answer exact.
const GroupsCollection = "user_groups"

// groupsBuilt marks that the lists hold every user: data written before
// the lists existed gets them at first use. The mark is kept in the users
// collection (under a name no user can have), so users restored from a
// backup without lists lose it and the lists are filled again.
// The "_v2" lists are the bucketed ones; lists of one document per group
// (before) are left behind and filled again in buckets.
const groupsBuilt = "_member_lists_v2"

// groupBuckets is how many documents one group's list is spread over.
const groupBuckets = 64

// bucketOf is the _id of the document of group that holds name.
func bucketOf(group, name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%s#%02d", group, h.Sum32()%groupBuckets)
}

// bucketsOf are the _ids of every document of group.
func bucketsOf(group string) []string {
	ids := make([]string, groupBuckets)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s#%02d", group, i)
	}
	return ids
}

// Kinds of groups Members answers.
const (
	GroupTeam = "team"
	GroupRole = "role"
)

const groupAll = "all"

type group struct {
	ID      string   `bson:"_id"`
	Members []string `bson:"members"`
	Version int64    `bson:"version"`
}

// groupsOf are the groups u is a member of.
func groupsOf(u *User) []string {
	out := []string{groupAll}
	for _, t := range u.Teams {
		out = append(out, GroupTeam+":"+t)
	}
	for _, r := range u.Roles {
		out = append(out, GroupRole+":"+r)
	}
	return out
}

// Members returns the users who are members of the team or hold the role
// directly (kind GroupTeam or GroupRole), in name order, without their
// password hashes. Disabled users are included; the caller decides.
func (s *Service) Members(ctx context.Context, kind, id string) ([]User, error) {
	if kind != GroupTeam && kind != GroupRole {
		return nil, fmt.Errorf("auth: members of a %q", kind)
	}
	users, err := s.groupUsers(ctx, kind+":"+id, "", 0)
	if err != nil {
		return nil, fmt.Errorf("auth: members of %s %s: %w", kind, id, err)
	}
	return slices.DeleteFunc(users, func(u User) bool {
		if kind == GroupTeam {
			return !slices.Contains(u.Teams, id)
		}
		return !slices.Contains(u.Roles, id)
	}), nil
}

// ListUsers returns up to limit users (0: all) whose names sort after
// after, in name order, without their password hashes.
func (s *Service) ListUsers(ctx context.Context, after string, limit int) ([]User, error) {
	users, err := s.groupUsers(ctx, groupAll, after, limit)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	return users, nil
}

// groupUsers reads the users listed in a group, skipping names without a
// user record.
func (s *Service) groupUsers(ctx context.Context, id, after string, limit int) ([]User, error) {
	if err := s.buildGroups(ctx); err != nil {
		return nil, err
	}
	var buckets []group
	if err := s.db.GetMany(ctx, GroupsCollection, bucketsOf(id), &buckets); err != nil {
		return nil, err
	}
	var members []string
	for _, b := range buckets {
		members = append(members, b.Members...)
	}
	slices.Sort(members)
	members = slices.Compact(members)
	var out []User
	for _, name := range members {
		if name <= after {
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		u, err := s.User(ctx, name)
		if errors.Is(err, ErrUserNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		u.PasswordHash = ""
		out = append(out, *u)
	}
	return out, nil
}

// joinGroups adds name to each group.
func (s *Service) joinGroups(ctx context.Context, name string, groups []string) error {
	for _, id := range groups {
		if err := s.changeGroup(ctx, id, name, true); err != nil {
			return err
		}
	}
	return nil
}

// leaveGroups removes name from each group. A failure leaves an extra name
// that readers skip, so it is logged, not returned.
func (s *Service) leaveGroups(ctx context.Context, name string, groups []string) {
	for _, id := range groups {
		if err := s.changeGroup(ctx, id, name, false); err != nil {
			s.log.WarnContext(ctx, "user left in a member list; it is skipped when read", slog.String("group", id),
				slog.String("user", name), slog.Any("error", err))
		}
	}
}

// changeGroup adds (join) or removes name with compare-and-set, in the
// bucket of group that holds name.
func (s *Service) changeGroup(ctx context.Context, groupID, name string, join bool) error {
	_, err := s.changeBucket(ctx, bucketOf(groupID, name), []string{name}, join, nil)
	return err
}

// changeBucket adds (join) or removes names in the member-list document id
// with one compare-and-set, retried on conflict, and returns the document
// as written (nil when there is none). known, if not nil, is the document
// as the caller last saw it: a change it calls for is tried against its
// version without reading first (a stale version only costs a retry), but
// a change it says is not needed is checked against the stored document,
// as a name someone removed meanwhile must not be taken as present.
func (s *Service) changeBucket(ctx context.Context, id string, names []string, join bool, known *group) (*group, error) {
	for range maxCASAttempts {
		g := known
		known = nil
		if g == nil || !bucketChange(g.Members, names, join) {
			var stored group
			err := s.db.Get(ctx, GroupsCollection, id, &stored)
			switch {
			case errors.Is(err, store.ErrNotFound):
				if !join {
					return nil, nil
				}
				g := &group{ID: id, Members: slices.Clone(names), Version: 1}
				err = s.db.Insert(ctx, GroupsCollection, g)
				if errors.Is(err, store.ErrDuplicate) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("auth: member list %s: %w", id, err)
				}
				return g, nil
			case err != nil:
				return nil, fmt.Errorf("auth: member list %s: %w", id, err)
			}
			g = &stored
			if !bucketChange(g.Members, names, join) {
				return g, nil
			}
		}
		members := slices.DeleteFunc(slices.Clone(g.Members), func(m string) bool { return slices.Contains(names, m) })
		if join {
			members = append(members, names...)
		}
		v, err := s.db.Update(ctx, GroupsCollection, id, g.Version, map[string]any{"$set": map[string]any{"members": members}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("auth: member list %s: %w", id, err)
		}
		return &group{ID: id, Members: members, Version: v}, nil
	}
	return nil, fmt.Errorf("auth: member list %s: %w: gave up after %d attempts", id, fault.Conflict, maxCASAttempts)
}

// bucketChange reports whether joining (or leaving) names changes a list
// of members: some name is missing (or present).
func bucketChange(members, names []string, join bool) bool {
	for _, n := range names {
		if slices.Contains(members, n) != join {
			return true
		}
	}
	return false
}

// bucketChanges collects the names that join (or leave) groups by the
// member-list document that holds each, so a change of many users writes
// each document once.
type bucketChanges map[string][]string

func (c bucketChanges) add(name string, groups []string) {
	for _, g := range groups {
		id := bucketOf(g, name)
		if !slices.Contains(c[id], name) {
			c[id] = append(c[id], name)
		}
	}
}

// applyBuckets writes every document of changes once, in _id order, and
// remembers what it wrote in known (may be nil). It stops at the first
// document it cannot write.
func (s *Service) applyBuckets(ctx context.Context, changes bucketChanges, join bool, known map[string]*group) error {
	ids := slices.Sorted(maps.Keys(changes))
	for _, id := range ids {
		g, err := s.changeBucket(ctx, id, changes[id], join, known[id])
		if err != nil {
			delete(known, id)
			return err
		}
		if known != nil {
			if g == nil {
				delete(known, id)
			} else {
				known[id] = g
			}
		}
	}
	return nil
}

// buildGroups fills the member lists from the users once, for data written
// before they existed. Users created meanwhile join their lists themselves,
// so building again after a failure or a race is harmless.
func (s *Service) buildGroups(ctx context.Context) error {
	if s.groupsReady.Load() {
		return nil
	}
	s.groupsBuild.Lock()
	defer s.groupsBuild.Unlock()
	if s.groupsReady.Load() {
		return nil
	}
	var marker group
	err := s.db.Get(ctx, UsersCollection, groupsBuilt, &marker)
	if err == nil {
		s.groupsReady.Store(true)
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var users []User
	if err := s.db.Find(ctx, UsersCollection, store.Find{Shape: shapeAllUsers, Fields: []string{"roles", "teams"}}, &users); err != nil {
		return fmt.Errorf("auth: build member lists: %w", err)
	}
	joins := bucketChanges{}
	for i := range users {
		if users[i].Name == groupsBuilt {
			continue
		}
		joins.add(users[i].Name, groupsOf(&users[i]))
	}
	if err := s.applyBuckets(ctx, joins, true, nil); err != nil {
		return fmt.Errorf("auth: build member lists: %w", err)
	}
	if err := s.db.Insert(ctx, UsersCollection, group{ID: groupsBuilt, Version: 1}); err != nil && !errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("auth: build member lists: %w", err)
	}
	s.groupsReady.Store(true)
	return nil
}

// without returns the elements of a not in b.
func without(a, b []string) []string {
	return slices.DeleteFunc(slices.Clone(a), func(x string) bool { return slices.Contains(b, x) })
}
