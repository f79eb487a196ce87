package staff_test

import (
	"slices"
	"testing"

	"nashra.dev/nashra/internal/staff"
)

func TestRoleCapabilities(t *testing.T) {
	contributor := []staff.Capability{staff.CapEditOwnPosts, staff.CapDeleteOwnPosts}
	author := append(slices.Clone(contributor), staff.CapPublishOwnPosts, staff.CapUploadMedia)
	editor := append(slices.Clone(author), staff.CapEditOthersPosts, staff.CapPublishOthersPosts,
		staff.CapDeleteOthersPosts, staff.CapManageCategories, staff.CapModerateComments)
	admin := append(slices.Clone(editor), staff.CapManageSettings, staff.CapManageStaff)
	want := map[staff.Role][]staff.Capability{
		staff.Contributor:   contributor,
		staff.Author:        author,
		staff.Editor:        editor,
		staff.Administrator: admin,
		staff.Owner:         staff.Capabilities(),
		"":                  nil,
		"god":               nil,
		"Owner":             nil,
	}
	all := staff.Capabilities()
	if len(all) != 11 || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 11 {
		t.Fatalf("capabilities: %v", all)
	}
	for role, caps := range want {
		for _, c := range all {
			if got := role.Can(c); got != slices.Contains(caps, c) {
				t.Errorf("%q.Can(%s) = %v", role, c, got)
			}
		}
		if role.Can("fly") || role.Can("") {
			t.Errorf("%q has an unknown capability", role)
		}
		if role.Valid() != slices.Contains(staff.Roles, role) {
			t.Errorf("%q.Valid() = %v", role, role.Valid())
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(admin)), slices.Sorted(slices.Values(all))) {
		t.Errorf("an administrator should have every capability listed: %v", admin)
	}
}

func TestPostPermissions(t *testing.T) {
	const me, other = 7, 8
	type perms struct{ editDraft, editPublished, publish, deleteDraft, deletePublished bool }
	cases := []struct {
		role        staff.Role
		own, others perms
	}{
		{staff.Contributor, perms{true, false, false, true, false}, perms{}},
		{staff.Author, perms{true, true, true, true, true}, perms{}},
		{staff.Editor, perms{true, true, true, true, true}, perms{true, true, true, true, true}},
		{staff.Administrator, perms{true, true, true, true, true}, perms{true, true, true, true, true}},
		{staff.Owner, perms{true, true, true, true, true}, perms{true, true, true, true, true}},
		{"god", perms{}, perms{}},
	}
	for _, c := range cases {
		u := &staff.User{ID: me, Role: c.role}
		for _, side := range []struct {
			name    string
			authors []int64
			want    perms
		}{
			{"own", []int64{me}, c.own},
			{"co-authored", []int64{other, me}, c.own},
			{"others'", []int64{other}, c.others},
			{"authorless", nil, c.others},
		} {
			got := perms{
				editDraft:       u.CanEditPost(side.authors, false),
				editPublished:   u.CanEditPost(side.authors, true),
				publish:         u.CanPublishPost(side.authors),
				deleteDraft:     u.CanDeletePost(side.authors, false),
				deletePublished: u.CanDeletePost(side.authors, true),
			}
			if got != side.want {
				t.Errorf("%s on %s post: got %+v, want %+v", c.role, side.name, got, side.want)
			}
		}
	}
	var nobody *staff.User
	if nobody.CanEditPost([]int64{0}, false) || nobody.CanPublishPost(nil) || nobody.CanDeletePost(nil, false) ||
		nobody.CanAssignRole(staff.Author, staff.Author) {
		t.Error("a nil user may do something")
	}
}

func TestCanAssignRole(t *testing.T) {
	for _, c := range []struct {
		actor    staff.Role
		from, to staff.Role
		want     bool
	}{
		{staff.Owner, staff.Author, staff.Owner, true},
		{staff.Owner, staff.Owner, staff.Editor, true},
		{staff.Owner, staff.Editor, "god", false},
		{staff.Administrator, staff.Author, staff.Administrator, true},
		{staff.Administrator, staff.Editor, staff.Contributor, true},
		{staff.Administrator, staff.Author, staff.Owner, false},
		{staff.Administrator, staff.Owner, staff.Author, false},
		{staff.Administrator, staff.Owner, staff.Owner, false},
		{staff.Editor, staff.Author, staff.Contributor, false},
		{staff.Author, staff.Author, staff.Author, false},
		{staff.Contributor, staff.Contributor, staff.Author, false},
	} {
		u := &staff.User{ID: 1, Role: c.actor}
		if got := u.CanAssignRole(c.from, c.to); got != c.want {
			t.Errorf("%s changing %s to %s: %v, want %v", c.actor, c.from, c.to, got, c.want)
		}
	}
}
