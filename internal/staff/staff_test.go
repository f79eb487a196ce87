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

func TestPasswordHashes(t *testing.T) {
	h, err := staff.HashPassword("كلمة سر طويلة")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q, %v", h, err)
	}
	if ok, err := staff.VerifyPassword(h, "كلمة سر طويلة"); !ok || err != nil {
		t.Fatal("right password refused")
	}
	if ok, _ := staff.VerifyPassword(h, "كلمة سر خاطئة"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := staff.HashPassword("كلمة سر طويلة")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=99999999,t=1,p=1$YQ$YQ"} {
		if ok, err := staff.VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		s := staff.New(db, func() time.Time { return now })
		u, err := s.Create(ctx, staff.NewUser{Email: " Lina@Example.com ", Name: "لينا حداد", Role: staff.Editor, Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "lina@example.com" || u.Slug != "لينا-حداد" {
			t.Errorf("email %q slug %q", u.Email, u.Slug)
		}
		if _, err := s.Create(ctx, staff.NewUser{Email: "lina@example.com", Name: "x", Password: "a long password"}); !errors.Is(err, staff.ErrEmailTaken) {
			t.Errorf("duplicate email: %v", err)
		}
		u2, err := s.Create(ctx, staff.NewUser{Email: "lina2@example.com", Name: "لينا حداد", Password: "a long password"})
		if err != nil || u2.Slug != "لينا-حداد-2" || u2.Role != staff.Author {
			t.Errorf("second author: %+v %v", u2, err)
		}
		for name, in := range map[string]staff.NewUser{
			"bad email":      {Email: "lina", Name: "x", Password: "a long password"},
			"named email":    {Email: "Lina <l@example.com>", Name: "x", Password: "a long password"},
			"short password": {Email: "a@example.com", Name: "x", Password: "short"},
			"no name":        {Email: "a@example.com", Name: " ", Password: "a long password"},
			"unknown role":   {Email: "a@example.com", Name: "x", Password: "a long password", Role: "god"},
		} {
			if _, err := s.Create(ctx, in); !errors.Is(err, staff.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.Authenticate(ctx, "LINA@example.com", "a long password"); err != nil {
			t.Errorf("login: %v", err)
		}
		if _, err := s.Authenticate(ctx, "lina@example.com", "wrong password"); err == nil {
			t.Error("wrong password accepted")
		}
		if _, err := s.Authenticate(ctx, "nobody@example.com", "a long password"); err == nil {
			t.Error("unknown account accepted")
		}
	})
}

func TestSetupTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		s := staff.New(db, func() time.Time { return now })
		expired, _ := s.NewSetupToken(ctx, time.Second)
		tok, err := s.NewSetupToken(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
		if err := s.CheckSetupToken(ctx, expired); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("expired token: %v", err)
		}
		if err := s.CheckSetupToken(ctx, tok); err != nil {
			t.Fatalf("fresh token: %v", err)
		}
		owner, err := s.ClaimSetup(ctx, tok, staff.NewUser{Email: "owner@example.com", Name: "المالك", Password: "a long password", Role: staff.Contributor})
		if err != nil || owner.Role != staff.Owner {
			t.Fatalf("claim: %+v %v", owner, err)
		}
		if _, err := s.ClaimSetup(ctx, tok, staff.NewUser{Email: "x@example.com", Name: "x", Password: "a long password"}); !errors.Is(err, staff.ErrBadToken) {
			t.Errorf("second claim: %v", err)
		}
		other, _ := s.NewSetupToken(ctx, time.Hour)
		if _, err := s.ClaimSetup(ctx, other, staff.NewUser{Email: "y@example.com", Name: "y", Password: "a long password"}); !errors.Is(err, staff.ErrOwnerExists) {
			t.Errorf("claim with an owner present: %v", err)
		}
	})
}
