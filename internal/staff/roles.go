package staff

import "slices"

// Capability is something a role may do, with WordPress's meanings.
// "Own" posts are those the user is one of the authors of.
type Capability string

const (
	// CapEditOwnPosts lets a user edit posts they author. For a contributor
	// this covers unpublished posts only: see User.CanEditPost.
	CapEditOwnPosts Capability = "edit_own_posts"
	// CapPublishOwnPosts lets a user publish their own posts, and go on
	// editing them once published.
	CapPublishOwnPosts    Capability = "publish_own_posts"
	CapEditOthersPosts    Capability = "edit_others_posts"
	CapPublishOthersPosts Capability = "publish_others_posts"
	// CapDeleteOwnPosts lets a user delete posts they author. For a
	// contributor this covers unpublished posts only: see User.CanDeletePost.
	CapDeleteOwnPosts    Capability = "delete_own_posts"
	CapDeleteOthersPosts Capability = "delete_others_posts"
	CapManageCategories  Capability = "manage_categories"
	CapUploadMedia       Capability = "upload_media"
	CapManageSettings    Capability = "manage_settings"
	CapManageStaff       Capability = "manage_staff"
	CapModerateComments  Capability = "moderate_comments"
)

// Capabilities lists every capability (a new slice on each call).
func Capabilities() []Capability {
	return []Capability{
		CapEditOwnPosts, CapPublishOwnPosts, CapEditOthersPosts, CapPublishOthersPosts,
		CapDeleteOwnPosts, CapDeleteOthersPosts, CapManageCategories, CapUploadMedia,
		CapManageSettings, CapManageStaff, CapModerateComments,
	}
}

// rank orders the roles: each has every capability of those below it.
// Unknown roles rank 0 and can do nothing.
func (r Role) rank() int {
	switch r {
	case Contributor:
		return 1
	case Author:
		return 2
	case Editor:
		return 3
	case Administrator:
		return 4
	case Owner:
		return 5
	}
	return 0
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Can reports whether the role has capability c. An unknown role or
// capability is refused.
func (r Role) Can(c Capability) bool {
	need := 0
	switch c {
	case CapEditOwnPosts, CapDeleteOwnPosts:
		need = Contributor.rank()
	case CapPublishOwnPosts, CapUploadMedia:
		need = Author.rank()
	case CapEditOthersPosts, CapPublishOthersPosts, CapDeleteOthersPosts, CapManageCategories, CapModerateComments:
		need = Editor.rank()
	case CapManageSettings, CapManageStaff:
		need = Administrator.rank()
	default:
		return false
	}
	return r.rank() >= need
}

// CanEditPost reports whether u may edit a post by authorIDs. A contributor
// may edit their own post only while it is not published: once it is, only
// those who may publish it may change what readers see.
func (u *User) CanEditPost(authorIDs []int64, published bool) bool {
	if u == nil {
		return false
	}
	if !slices.Contains(authorIDs, u.ID) {
		return u.Role.Can(CapEditOthersPosts)
	}
	return u.Role.Can(CapEditOwnPosts) && (!published || u.Role.Can(CapPublishOwnPosts))
}

// CanPublishPost reports whether u may publish (or schedule, or unpublish)
// a post by authorIDs.
func (u *User) CanPublishPost(authorIDs []int64) bool {
	if u == nil {
		return false
	}
	if slices.Contains(authorIDs, u.ID) {
		return u.Role.Can(CapPublishOwnPosts)
	}
	return u.Role.Can(CapPublishOthersPosts)
}

// CanDeletePost reports whether u may delete a post by authorIDs; like
// editing, a contributor may delete their own post only while unpublished.
func (u *User) CanDeletePost(authorIDs []int64, published bool) bool {
	if u == nil {
		return false
	}
	if !slices.Contains(authorIDs, u.ID) {
		return u.Role.Can(CapDeleteOthersPosts)
	}
	return u.Role.Can(CapDeleteOwnPosts) && (!published || u.Role.Can(CapPublishOwnPosts))
}

// CanAssignRole reports whether u may change an account whose role is from
// into one whose role is to (to == from for other edits of that account).
// It takes CapManageStaff, and only an owner may make or unmake an owner, so
// that an administrator cannot take the site from its owner.
func (u *User) CanAssignRole(from, to Role) bool {
	if u == nil || !u.Role.Can(CapManageStaff) || !to.Valid() {
		return false
	}
	if from == Owner || to == Owner {
		return u.Role == Owner
	}
	return true
}
