package settings_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/settings"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

func TestSiteSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := settings.New(db)
		got, err := s.Site(ctx)
		if err != nil || got.Title != settings.Defaults().Title {
			t.Fatalf("defaults: %+v %v", got, err)
		}
		want := settings.Defaults()
		want.Title, want.Timezone, want.Digits, want.Hijri = "نشرة الصباح", "Africa/Cairo", "arabic", true
		want.Nav = []settings.Link{{Name: "من نحن", URL: "/about/"}}
		want.Social = []settings.Link{{Name: "Mastodon", URL: "https://example.social/@nashra"}}
		if err := s.SaveSite(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err = s.Site(ctx)
		if err != nil || got.Title != want.Title || got.Timezone != "Africa/Cairo" || len(got.Nav) != 1 || got.Social[0].URL != want.Social[0].URL {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		for name, mutate := range map[string]func(*settings.Site){
			"empty title":       func(s *settings.Site) { s.Title = " " },
			"bad zone":          func(s *settings.Site) { s.Timezone = "Mars/Olympus" },
			"local zone":        func(s *settings.Site) { s.Timezone = "Local" },
			"bad language":      func(s *settings.Site) { s.Lang = "xx" },
			"bad digits":        func(s *settings.Site) { s.Digits = "roman" },
			"bad months":        func(s *settings.Site) { s.Months = "julian" },
			"zero per page":     func(s *settings.Site) { s.PostsPerPage = 0 },
			"script in menu":    func(s *settings.Site) { s.Nav = []settings.Link{{Name: "x", URL: "javascript:alert(1)"}} },
			"protocol-relative": func(s *settings.Site) { s.Social = []settings.Link{{Name: "x", URL: "//evil.example"}} },
			"nameless link":     func(s *settings.Site) { s.Nav = []settings.Link{{Name: "", URL: "/"}} },
		} {
			bad := want
			mutate(&bad)
			if err := s.SaveSite(ctx, bad); !errors.Is(err, settings.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if got, _ := s.Site(ctx); got.Title != want.Title {
			t.Fatal("a refused save changed the settings")
		}
	})
}

func TestSecretsAreStableAndShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := settings.New(db), settings.New(db)
		s1, err := a.Secret(ctx, "unsubscribe")
		if err != nil || len(s1) != 32 {
			t.Fatalf("secret: %x %v", s1, err)
		}
		s2, _ := b.Secret(ctx, "unsubscribe")
		other, _ := a.Secret(ctx, "other")
		if string(s1) != string(s2) || string(s1) == string(other) {
			t.Fatal("secrets are not stable per name")
		}
	})
}

func TestCommentSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := settings.New(db)
		got, _ := s.Site(ctx)
		if got.Comments != settings.DefaultComments() || !got.Comments.OpenByDefault || got.Comments.Depth != 5 || got.Comments.MaxLinks != 2 {
			t.Fatalf("defaults: %+v", got.Comments)
		}
		// Settings built without comments (older code, the demo) get the defaults.
		legacy := settings.Site{Title: "x", Lang: "ar", Timezone: "UTC", Digits: "latin", Months: "standard", PostsPerPage: 10}
		if err := s.SaveSite(ctx, legacy); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Site(ctx); got.Comments != settings.DefaultComments() {
			t.Fatalf("legacy settings: %+v", got.Comments)
		}

		want := settings.Defaults()
		want.Comments = settings.Comments{OpenByDefault: false, Depth: 1, CloseAfterDays: 30, HoldAll: true, MaxLinks: 0, AkismetKey: " abcdef123456 "}
		if err := s.SaveSite(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Site(ctx)
		wantC := want.Comments
		wantC.AkismetKey = "abcdef123456"
		if err != nil || got.Comments != wantC {
			t.Fatalf("round trip: %+v %v", got.Comments, err)
		}
		for name, mutate := range map[string]func(*settings.Comments){
			"deep":          func(c *settings.Comments) { c.Depth = 11 },
			"negative":      func(c *settings.Comments) { c.Depth = -1 },
			"close days":    func(c *settings.Comments) { c.CloseAfterDays = -1 },
			"links":         func(c *settings.Comments) { c.MaxLinks = 101 },
			"key with dots": func(c *settings.Comments) { c.AkismetKey = "abc.evil.example" },
		} {
			bad := want
			mutate(&bad.Comments)
			if err := s.SaveSite(ctx, bad); !errors.Is(err, settings.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}

		// The key never prints.
		for _, out := range []string{fmt.Sprint(got), fmt.Sprintf("%+v", got), fmt.Sprintf("%#v", got.Comments), got.Comments.AkismetKey.String()} {
			if strings.Contains(out, "abcdef123456") {
				t.Fatalf("the key printed: %s", out)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "key", got.Comments.AkismetKey)
		if strings.Contains(buf.String(), "abcdef123456") {
			t.Fatalf("the key was logged: %s", buf.String())
		}
		if h := got.Comments.AkismetKey.Hint(); h != "••••••••3456" {
			t.Fatalf("hint %q", h)
		}
	})
}
