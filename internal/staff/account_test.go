package staff_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestListAndByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		if list, err := s.List(ctx); err != nil || len(list) != 0 {
			t.Errorf("empty list: %v %v", list, err)
		}
		a := mkUser(t, s, "a@example.com", staff.Owner)
		b := mkUser(t, s, "b@example.com", staff.Contributor)
		list, err := s.List(ctx)
		if err != nil || len(list) != 2 || list[0].ID != a.ID || list[0].Slug != a.Slug || !list[0].CreatedAt.Equal(a.CreatedAt) || list[1].ID != b.ID || list[1].Role != staff.Contributor {
			t.Errorf("list: %+v %v", list, err)
		}
		if got, err := s.ByID(ctx, b.ID); err != nil || got.Email != "b@example.com" || !got.CreatedAt.Equal(b.CreatedAt) {
			t.Errorf("by id: %+v %v", got, err)
		}
		if got, err := s.ByID(ctx, 9999); !errors.Is(err, staff.ErrNoAccount) || !errors.Is(err, store.ErrNotFound) || got != nil {
			t.Errorf("missing id: %+v %v", got, err)
		}
	})
}

func TestSetRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		owner := mkUser(t, s, "owner@example.com", staff.Owner)
		ed := mkUser(t, s, "ed@example.com", staff.Editor)
		role := func(id int64) staff.Role {
			u, err := s.ByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return u.Role
		}

		for name, c := range map[string]struct {
			id   int64
			role staff.Role
			want error
		}{
			"unknown role": {ed.ID, "god", staff.ErrInvalid},
			"empty role":   {ed.ID, "", staff.ErrInvalid},
			"no account":   {9999, staff.Author, staff.ErrNoAccount},
			"last owner":   {owner.ID, staff.Administrator, staff.ErrLastOwner},
		} {
			if err := s.SetRole(ctx, c.id, c.role); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", name, err, c.want)
			}
		}
		if role(owner.ID) != staff.Owner || role(ed.ID) != staff.Editor {
			t.Fatal("a refused change changed a role")
		}
		if err := s.SetRole(ctx, owner.ID, staff.Owner); err != nil {
			t.Errorf("the last owner kept as owner: %v", err)
		}
		if err := s.SetRole(ctx, ed.ID, staff.Contributor); err != nil || role(ed.ID) != staff.Contributor {
			t.Errorf("demote editor: %v", err)
		}
		if err := s.SetRole(ctx, ed.ID, staff.Owner); err != nil || role(ed.ID) != staff.Owner {
			t.Errorf("promote to owner: %v", err)
		}
		if err := s.SetRole(ctx, owner.ID, staff.Author); err != nil || role(owner.ID) != staff.Author {
			t.Errorf("demote one of two owners: %v", err)
		}
		if err := s.SetRole(ctx, ed.ID, staff.Editor); !errors.Is(err, staff.ErrLastOwner) {
			t.Errorf("demote the other, now last: %v", err)
		}
	})
}

func TestSetRoleConcurrentOwners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		for round := range 5 {
			a := mkUser(t, s, "a"+string(rune('0'+round))+"@example.com", staff.Owner)
			b := mkUser(t, s, "b"+string(rune('0'+round))+"@example.com", staff.Owner)
			// Leave only a and b as owners.
			if round > 0 {
				if _, err := db.Exec(ctx, "UPDATE users SET role = 'author' WHERE role = 'owner' AND id NOT IN (?, ?)", a.ID, b.ID); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []int64{a.ID, b.ID} {
				wg.Go(func() { errs[i] = s.SetRole(ctx, id, staff.Editor) })
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, staff.ErrLastOwner):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if has, err := s.HasOwner(ctx); ok != 1 || !has || err != nil {
				t.Fatalf("round %d: %d demotions succeeded, owner left %v %v", round, ok, has, err)
			}
		}
	})
}

func TestSetLocale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		u := mkUser(t, s, "a@example.com", staff.Author)
		if err := s.SetLocale(ctx, u.ID, "en"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ByID(ctx, u.ID); got.Locale != "en" {
			t.Errorf("locale %q", got.Locale)
		}
		for _, bad := range []string{"", "fr", "AR", "ar-EG", " en"} {
			if err := s.SetLocale(ctx, u.ID, bad); !errors.Is(err, staff.ErrInvalid) {
				t.Errorf("locale %q: %v", bad, err)
			}
		}
		if err := s.SetLocale(ctx, 9999, "ar"); !errors.Is(err, staff.ErrNoAccount) {
			t.Errorf("no account: %v", err)
		}
		if got, _ := s.ByID(ctx, u.ID); got.Locale != "en" {
			t.Errorf("locale after refusals %q", got.Locale)
		}
	})
}

func TestSetPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(db)
		u := mkUser(t, s, "a@example.com", staff.Author)
		other := mkUser(t, s, "b@example.com", staff.Author)
		session, _ := s.StartSession(ctx, u.ID, "", "")
		otherSession, _ := s.StartSession(ctx, other.ID, "", "")
		reset, _, _ := s.NewResetToken(ctx, u.Email)

		for name, c := range map[string]struct {
			id       int64
			old, new string
			want     error
		}{
			"wrong old":  {u.ID, "wrong password", newPassword, staff.ErrInvalid},
			"short new":  {u.ID, goodPassword, "short", staff.ErrInvalid},
			"no account": {9999, goodPassword, newPassword, staff.ErrNoAccount},
		} {
			if err := s.SetPassword(ctx, c.id, c.old, c.new); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", name, err, c.want)
			}
		}
		if _, err := s.SessionUser(ctx, session); err != nil {
			t.Fatalf("a refused change ended the session: %v", err)
		}
		if err := s.SetPassword(ctx, u.ID, goodPassword, newPassword); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, u.Email, newPassword); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := s.Authenticate(ctx, u.Email, goodPassword); !errors.Is(err, staff.ErrInvalid) {
			t.Errorf("old password: %v", err)
		}
		if _, err := s.SessionUser(ctx, session); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("session after a password change: %v", err)
		}
		if err := s.CheckResetToken(ctx, reset); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("reset link after a password change: %v", err)
		}
		if _, err := s.SessionUser(ctx, otherSession); err != nil {
			t.Errorf("another account's session ended: %v", err)
		}
	})
}
