package staff_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

const newPassword = "a new long password"

func TestPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		u := mkUser(t, s, "lina@example.com", staff.Editor)
		session, _ := s.StartSession(ctx, u.ID, "", "")

		if _, got, err := s.NewResetToken(ctx, "nobody@example.com"); !errors.Is(err, staff.ErrNoAccount) || !errors.Is(err, store.ErrNotFound) || got != nil {
			t.Errorf("unknown email: %v %v", got, err)
		}
		tok, got, err := s.NewResetToken(ctx, " LINA@example.com")
		if err != nil || got.ID != u.ID || got.Email != "lina@example.com" || len(tok) != 43 {
			t.Fatalf("reset token: %q %+v %v", tok, got, err)
		}
		if err := s.CheckResetToken(ctx, tok); err != nil {
			t.Errorf("check: %v", err)
		}
		// A bad password leaves the link usable.
		if _, err := s.ResetPassword(ctx, tok, "short"); !errors.Is(err, staff.ErrInvalid) {
			t.Errorf("short password: %v", err)
		}
		for name, bad := range map[string]string{"empty": "", "garbage": "x'; --", "unknown": strings.Repeat("A", 43)} {
			if _, err := s.ResetPassword(ctx, bad, newPassword); !errors.Is(err, staff.ErrBadToken) {
				t.Errorf("%s link: %v", name, err)
			}
			if err := s.CheckResetToken(ctx, bad); !errors.Is(err, staff.ErrBadToken) {
				t.Errorf("check %s link: %v", name, err)
			}
		}
		// The account's sign-in lock lifts with a reset.
		for range 5 {
			_, _ = s.Login(ctx, "lina@example.com", "wrong password", "192.0.2.1")
		}
		got, err = s.ResetPassword(ctx, tok, newPassword)
		if err != nil || got.ID != u.ID {
			t.Fatalf("reset: %+v %v", got, err)
		}
		if _, err := s.Authenticate(ctx, "lina@example.com", goodPassword); !errors.Is(err, staff.ErrInvalid) {
			t.Errorf("old password after reset: %v", err)
		}
		if _, err := s.Login(ctx, "lina@example.com", newPassword, "192.0.2.2"); err != nil {
			t.Errorf("new password after reset: %v", err)
		}
		if _, err := s.SessionUser(ctx, session); !errors.Is(err, staff.ErrNoSession) {
			t.Errorf("session survived a reset: %v", err)
		}
		if _, err := s.ResetPassword(ctx, tok, "another long password"); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("second use: %v", err)
		}
		if err := s.CheckResetToken(ctx, tok); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("check spent link: %v", err)
		}

		// A new link replaces the old; links last an hour.
		old, _, _ := s.NewResetToken(ctx, "lina@example.com")
		latest, _, _ := s.NewResetToken(ctx, "lina@example.com")
		if _, err := s.ResetPassword(ctx, old, newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("replaced link: %v", err)
		}
		clock.advance(staff.ResetTTL - time.Second)
		if err := s.CheckResetToken(ctx, latest); err != nil {
			t.Errorf("link at 59:59: %v", err)
		}
		clock.advance(time.Second)
		if _, err := s.ResetPassword(ctx, latest, newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("expired link: %v", err)
		}
		if n, err := s.PruneTokens(ctx); err != nil || n != 1 {
			t.Errorf("prune: %d %v", n, err)
		}

		// An invitation is not a reset link.
		inv, _ := s.NewInvite(ctx, "new@example.com", staff.Author, u.ID)
		if _, err := s.ResetPassword(ctx, inv, newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("invitation as reset link: %v", err)
		}
	})
}

func TestInvites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clock := newService(db)
		admin := mkUser(t, s, "admin@example.com", staff.Administrator)

		for name, c := range map[string]struct {
			email string
			role  staff.Role
			by    int64
			want  error
		}{
			"bad email":     {"not an email", staff.Author, admin.ID, staff.ErrInvalid},
			"named email":   {"Sami <sami@example.com>", staff.Author, admin.ID, staff.ErrInvalid},
			"owner":         {"sami@example.com", staff.Owner, admin.ID, staff.ErrInvalid},
			"unknown role":  {"sami@example.com", "god", admin.ID, staff.ErrInvalid},
			"no role":       {"sami@example.com", "", admin.ID, staff.ErrInvalid},
			"taken":         {"ADMIN@example.com", staff.Author, admin.ID, staff.ErrEmailTaken},
			"ghost inviter": {"sami@example.com", staff.Author, 9999, staff.ErrNoAccount},
		} {
			if tok, err := s.NewInvite(ctx, c.email, c.role, c.by); !errors.Is(err, c.want) || tok != "" {
				t.Errorf("%s: %q %v, want %v", name, tok, err, c.want)
			}
		}

		tok, err := s.NewInvite(ctx, " Sami@Example.com", staff.Editor, admin.ID)
		if err != nil || len(tok) != 43 {
			t.Fatalf("invite: %q %v", tok, err)
		}
		if email, role, err := s.Invitation(ctx, tok); err != nil || email != "sami@example.com" || role != staff.Editor {
			t.Errorf("invitation: %q %q %v", email, role, err)
		}
		if _, _, err := s.Invitation(ctx, "nonsense"); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("invitation of nonsense: %v", err)
		}
		// Bad details leave the link usable.
		if _, err := s.AcceptInvite(ctx, tok, "سامي", "short"); !errors.Is(err, staff.ErrInvalid) {
			t.Errorf("short password: %v", err)
		}
		if _, err := s.AcceptInvite(ctx, tok, "  ", newPassword); !errors.Is(err, staff.ErrInvalid) {
			t.Errorf("no name: %v", err)
		}
		for _, bad := range []string{"", "nonsense", strings.Repeat("A", 43)} {
			if _, err := s.AcceptInvite(ctx, bad, "سامي", newPassword); !errors.Is(err, staff.ErrBadToken) {
				t.Errorf("link %q: %v", bad, err)
			}
		}
		u, err := s.AcceptInvite(ctx, tok, "سامي", newPassword)
		if err != nil || u.Email != "sami@example.com" || u.Role != staff.Editor || u.Name != "سامي" || u.Locale != "ar" {
			t.Fatalf("accept: %+v %v", u, err)
		}
		if _, err := s.Login(ctx, "sami@example.com", newPassword, "192.0.2.1"); err != nil {
			t.Errorf("login after accepting: %v", err)
		}
		if _, err := s.AcceptInvite(ctx, tok, "سامي", newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("second use: %v", err)
		}

		// A new invitation replaces the old; invitations last a week; none
		// without an inviter is refused.
		old, _ := s.NewInvite(ctx, "rana@example.com", staff.Author, admin.ID)
		latest, err := s.NewInvite(ctx, "rana@example.com", staff.Contributor, 0)
		if err != nil {
			t.Fatalf("invite with no inviter: %v", err)
		}
		if _, err := s.AcceptInvite(ctx, old, "رنا", newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("replaced invitation: %v", err)
		}
		clock.advance(staff.InviteTTL)
		if _, err := s.AcceptInvite(ctx, latest, "رنا", newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("expired invitation: %v", err)
		}

		// An account made meanwhile wins; a reset link is not an invitation.
		raced, _ := s.NewInvite(ctx, "omar@example.com", staff.Author, admin.ID)
		mkUser(t, s, "omar@example.com", staff.Author)
		if _, err := s.AcceptInvite(ctx, raced, "عمر", newPassword); !errors.Is(err, staff.ErrEmailTaken) {
			t.Errorf("invitation for an email taken meanwhile: %v", err)
		}
		reset, _, _ := s.NewResetToken(ctx, "admin@example.com")
		if _, err := s.AcceptInvite(ctx, reset, "x", newPassword); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("reset link as invitation: %v", err)
		}
		if _, _, err := s.Invitation(ctx, reset); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("reset link shown as invitation: %v", err)
		}

		// Deleting the inviter withdraws their invitations.
		pending, _ := s.NewInvite(ctx, "nour@example.com", staff.Author, admin.ID)
		if _, err := db.Exec(ctx, "DELETE FROM users WHERE id = ?", admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Invitation(ctx, pending); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("invitation of a deleted inviter: %v", err)
		}
	})
}
