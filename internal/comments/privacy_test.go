package comments_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// publicTypes are every type the site, feeds and APIs render.
var publicTypes = []reflect.Type{
	reflect.TypeFor[comments.Public](), reflect.TypeFor[comments.Node](), reflect.TypeFor[comments.FeedComment](),
	reflect.TypeFor[comments.Unsubscription](),
}

// fieldNames lists the field names of t and of the structs inside it.
func fieldNames(t reflect.Type, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	var out []string
	for f := range t.Fields() {
		out = append(out, f.Name)
		out = append(out, fieldNames(f.Type, seen)...)
	}
	return out
}

func TestPublicTypesHaveNoPrivateFields(t *testing.T) {
	for _, typ := range publicTypes {
		for _, name := range fieldNames(typ, map[reflect.Type]bool{}) {
			l := strings.ToLower(name)
			if strings.Contains(l, "email") || strings.Contains(l, "mail") || l == "ip" || strings.Contains(l, "agent") ||
				strings.Contains(l, "referrer") || strings.Contains(l, "status") || strings.Contains(l, "reason") {
				t.Errorf("%s has a field %s", typ, name)
			}
		}
	}
	// The admin type does have them: the test would notice their names.
	if names := fieldNames(reflect.TypeFor[comments.Comment](), map[reflect.Type]bool{}); !strings.Contains(strings.Join(names, " "), "AuthorEmail") {
		t.Fatal("the field check is looking at the wrong names")
	}
}

func TestPublicValuesLeakNoAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const email = "private.person@example.com"
		parent := e.create(e.input(e.post, "Private Person", email, "تعليق أول"))
		if _, err := e.svc.ModerateOne(ctx, comments.ActApprove, parent.ID); err != nil {
			t.Fatal(err)
		}
		in := e.input(e.post, "Private Person", email, "رد على نفسي")
		in.ParentID, in.URL, in.IP = parent.ID, "https://person.example", "203.0.113.77"
		e.create(in)
		l, err := e.svc.List(ctx, e.post, comments.Oldest)
		if err != nil || len(l) != 2 {
			t.Fatalf("list: %v %v", l, err)
		}
		feed, err := e.svc.Recent(ctx, 10)
		if err != nil || len(feed) != 2 {
			t.Fatalf("feed: %v %v", feed, err)
		}
		for _, v := range []any{l, comments.Tree(l), feed} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			s := strings.ToLower(string(b))
			for _, secret := range []string{email, "private.person", "203.0.113.77", "mozilla"} {
				if strings.Contains(s, secret) {
					t.Errorf("public JSON contains %q: %s", secret, b)
				}
			}
		}
	})
}

func TestAvatarIsKeyedNotAPlainHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const email = "avatar@example.com"
		a := e.approved(email, "واحد", 0)
		e.approved("AVATAR@example.com", "اثنان", 0)
		e.approved("someone.else@example.com", "ثلاثة", 0)
		l, _ := e.svc.List(ctx, e.post, comments.Oldest)
		if len(l) != 3 || l[0].ID != a.ID {
			t.Fatalf("list: %+v", l)
		}
		p := l[0]
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(p.AvatarID) || !regexp.MustCompile(`^#[0-9a-f]{6}$`).MatchString(p.AvatarColor) {
			t.Fatalf("avatar %q %q", p.AvatarID, p.AvatarColor)
		}
		for _, sum := range []string{
			func() string { s := md5.Sum([]byte(email)); return hex.EncodeToString(s[:]) }(),
			func() string { s := sha1.Sum([]byte(email)); return hex.EncodeToString(s[:]) }(),
			func() string { s := sha256.Sum256([]byte(email)); return hex.EncodeToString(s[:]) }(),
		} {
			if strings.Contains(sum, p.AvatarID) || strings.Contains(sum, strings.TrimPrefix(p.AvatarColor, "#")) {
				t.Fatalf("the avatar %s/%s is part of a plain hash of the address %s", p.AvatarID, p.AvatarColor, sum)
			}
		}
		if l[1].AvatarID != p.AvatarID || l[1].AvatarColor != p.AvatarColor {
			t.Fatal("one address, two avatars")
		}
		if l[2].AvatarID == p.AvatarID {
			t.Fatal("two addresses, one avatar")
		}
		// Another site secret gives another avatar for the same address.
		other, err := comments.New(db, nil, comments.Options{Secret: []byte("a different secret of 32 bytes!!"), Now: e.clock.now})
		if err != nil {
			t.Fatal(err)
		}
		ol, _ := other.List(ctx, e.post, comments.Oldest)
		if ol[0].AvatarID == p.AvatarID {
			t.Fatal("the avatar does not depend on the site's secret")
		}
		if p.Initials != "قA" { // "قارئ avatar@example.com"
			t.Fatalf("initials %q", p.Initials)
		}
	})
}
