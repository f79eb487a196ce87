package media

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// itemKeys are the storage keys of an item's files.
func itemKeys(it *Item, prefix string) []string {
	keys := []string{it.StorageKey}
	for _, v := range it.Variants {
		keys = append(keys, unescapeKey(strings.TrimPrefix(v.URL, prefix)))
	}
	return keys
}

func unescapeKey(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}

func TestLibrary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := &DiskStorage{Dir: t.TempDir()}
		clock := testNow
		svc := New(db, st, func() time.Time { return clock }, Options{})

		var items []*Item
		for i, name := range []string{"أول.png", "second.png", "ثالث.png"} {
			clock = testNow.Add(time.Duration(i) * time.Minute)
			it, err := svc.Upload(ctx, Upload{Filename: name, Body: bytes.NewReader(encodeAs(t, "image/png", gradient(600, 30)))})
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, it)
		}

		page, total, err := svc.List(ctx, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != 3 || len(page) != 2 || page[0].ID != items[2].ID || page[1].ID != items[1].ID {
			t.Fatalf("first page: total %d, %+v", total, page)
		}
		if page[0].SrcSet() != items[2].SrcSet() || !page[0].CreatedAt.Equal(items[2].CreatedAt) {
			t.Fatalf("listed item differs from uploaded:\n%+v\n%+v", page[0], items[2])
		}
		page, _, _ = svc.List(ctx, 2, 2)
		if len(page) != 1 || page[0].ID != items[0].ID || page[0].Filename != "أول.png" {
			t.Fatalf("second page: %+v", page)
		}
		if page, _, _ = svc.List(ctx, 0, -5); len(page) != 3 {
			t.Fatalf("default page: %d items", len(page))
		}

		// Update.
		up, err := svc.Update(ctx, items[1].ID, " صورة من القاهرة ", "تعليق", "وكالة")
		if err != nil {
			t.Fatal(err)
		}
		if up.Alt != "صورة من القاهرة" || up.Caption != "تعليق" || up.Credit != "وكالة" || up.StorageKey != items[1].StorageKey {
			t.Fatalf("updated: %+v", up)
		}
		for _, c := range []struct {
			alt, caption, credit string
		}{
			{strings.Repeat("ب", maxAlt+1), "", ""},
			{"", strings.Repeat("x", maxCaption+1), ""},
			{"", "", strings.Repeat("x", maxCredit+1)},
			{"\xff\xfe", "", ""},
			{"a\x00b", "", ""},
		} {
			if _, err := svc.Update(ctx, items[1].ID, c.alt, c.caption, c.credit); !errors.Is(err, ErrInvalid) {
				t.Errorf("Update(%.20q…) = %v, want ErrInvalid", c.alt+c.caption+c.credit, err)
			}
		}
		if _, err := svc.Update(ctx, 99999, "a", "", ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update unknown: %v", err)
		}
		if got, _ := svc.Get(ctx, items[1].ID); got.Alt != "صورة من القاهرة" {
			t.Fatalf("alt after refused updates: %q", got.Alt)
		}

		// Delete removes the row and every file of the item, and only those.
		before := len(filesIn(t, st.Dir))
		gone := itemKeys(items[1], "/uploads/")
		if len(gone) != 2 {
			t.Fatalf("keys %v", gone)
		}
		if err := svc.Delete(ctx, items[1].ID); err != nil {
			t.Fatal(err)
		}
		for _, k := range gone {
			if _, err := st.Open(ctx, k); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s after delete: %v", k, err)
			}
		}
		if after := len(filesIn(t, st.Dir)); after != before-2 {
			t.Fatalf("%d files before delete, %d after", before, after)
		}
		if _, err := svc.Get(ctx, items[1].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get deleted: %v", err)
		}
		if err := svc.Delete(ctx, items[1].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		if _, total, _ := svc.List(ctx, 10, 0); total != 2 {
			t.Fatalf("total after delete %d", total)
		}
	})
}

func TestUploadDetailsAndUploader(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, st := newTestService(t, db, Options{})

		// Bad texts are refused before the body is read.
		body := &counter{r: &endless{}}
		if _, err := svc.Upload(ctx, Upload{Body: body, Caption: strings.Repeat("x", maxCaption+1)}); !errors.Is(err, ErrInvalid) || body.n != 0 {
			t.Fatalf("long caption: %v after reading %d bytes", err, body.n)
		}
		if _, err := svc.Upload(ctx, Upload{}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("no body: %v", err)
		}

		// An unknown uploader is refused after the files were stored: they
		// are removed again.
		png := encodeAs(t, "image/png", gradient(700, 20))
		if _, err := svc.Upload(ctx, Upload{Body: bytes.NewReader(png), UploadedBy: 4242}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("unknown uploader: %v", err)
		}
		refused(t, db, st)

		var uid int64
		err := db.WithTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO users (email, name, slug, role, created_at, updated_at)
				VALUES ('m@example.com', 'محررة', 'muharrira', 'editor', ?, ?) RETURNING id`, testNow, testNow).Scan(&uid)
		})
		if err != nil {
			t.Fatal(err)
		}
		it, err := svc.Upload(ctx, Upload{Body: bytes.NewReader(png), UploadedBy: uid})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.Get(ctx, it.ID); got.UploadedBy != uid || got.Filename != "image.png" || !strings.HasSuffix(got.StorageKey, "-image.png") {
			t.Fatalf("stored %+v", got)
		}
	})
}

// The service works the same on S3: files land in the bucket and leave it.
func TestServiceOnS3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cfg := startS3(t)
		cfg.PublicURL = "https://cdn.example.com"
		st, err := NewS3Storage(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		svc := New(db, st, func() time.Time { return testNow }, Options{})
		it, err := svc.Upload(ctx, Upload{Filename: "خريطة.webp", Body: bytes.NewReader(encodeAs(t, "image/webp", gradient(1000, 40)))})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(it.URL, "https://cdn.example.com/2026/03/") || len(it.Variants) != 2 {
			t.Fatalf("item %+v", it)
		}
		keys := itemKeys(it, "https://cdn.example.com/")
		if len(keys) != 3 {
			t.Fatalf("keys %v", keys)
		}
		decodeStored(t, st, keys[0], "image/webp", 1000, 40)
		decodeStored(t, st, keys[1], "image/webp", 480, 19)
		decodeStored(t, st, keys[2], "image/webp", 960, 38)
		if err := svc.Delete(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if _, err := st.Open(ctx, k); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s after delete: %v", k, err)
			}
		}
	})
}
