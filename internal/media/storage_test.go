package media

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
)

const testBucket = "nashra-media"

// startS3 runs an S3-compatible server in the test process, on loopback,
// with an empty bucket, and returns a config that reaches it.
func startS3(t *testing.T) S3Config {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(srv.Close)
	return S3Config{
		Endpoint: strings.TrimPrefix(srv.URL, "http://"), Bucket: testBucket,
		AccessKey: "test-access", SecretKey: "test-secret", Region: "us-east-1",
	}
}

func newS3(t *testing.T) *S3Storage {
	t.Helper()
	st, err := NewS3Storage(context.Background(), startS3(t))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// storages are the implementations every storage test runs against.
var storages = []struct {
	name string
	new  func(t *testing.T) Storage
}{
	{"disk", func(t *testing.T) Storage { return &DiskStorage{Dir: t.TempDir()} }},
	{"s3", func(t *testing.T) Storage { return newS3(t) }},
}

// failingReader gives some bytes, then an error, as a dropped upload would.
type failingReader struct{ left int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.left)
	f.left -= n
	return n, nil
}

func TestStorage(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, st Storage)
	}{
		{"put then open gives the bytes back", func(t *testing.T, st Storage) {
			body := bytes.Repeat([]byte("نشرة"), 5000)
			if err := st.Put(ctx, "2026/03/abc-خبر.jpg", bytes.NewReader(body), int64(len(body)), "image/jpeg"); err != nil {
				t.Fatal(err)
			}
			if got := readStored(t, st, "2026/03/abc-خبر.jpg"); !bytes.Equal(got, body) {
				t.Fatalf("read back %d bytes, want %d", len(got), len(body))
			}
		}},
		{"put replaces", func(t *testing.T, st Storage) {
			for _, s := range []string{"first", "second"} {
				if err := st.Put(ctx, "a/b.png", strings.NewReader(s), int64(len(s)), "image/png"); err != nil {
					t.Fatal(err)
				}
			}
			if got := string(readStored(t, st, "a/b.png")); got != "second" {
				t.Fatalf("got %q", got)
			}
		}},
		{"missing key is ErrNotFound", func(t *testing.T, st Storage) {
			if _, err := st.Open(ctx, "2026/03/none.jpg"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
		}},
		{"delete removes, and deleting again is fine", func(t *testing.T, st Storage) {
			if err := st.Put(ctx, "x/y.gif", strings.NewReader("GIF89a"), 6, "image/gif"); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := st.Delete(ctx, "x/y.gif"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.Open(ctx, "x/y.gif"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after delete: err = %v, want ErrNotFound", err)
			}
		}},
		{"a failed put leaves nothing", func(t *testing.T, st Storage) {
			err := st.Put(ctx, "f/broken.jpg", &failingReader{left: 10_000}, 20_000, "image/jpeg")
			if err == nil {
				t.Fatal("put from a failing reader succeeded")
			}
			if _, err := st.Open(ctx, "f/broken.jpg"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after failed put: err = %v, want ErrNotFound", err)
			}
		}},
		{"unsafe keys are refused", func(t *testing.T, st Storage) {
			for _, k := range []string{"", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "a/..", `a\b.jpg`, "a//b.jpg", "a/", "a\x00b"} {
				if err := st.Put(ctx, k, strings.NewReader("x"), 1, "image/jpeg"); !errors.Is(err, ErrInvalid) {
					t.Errorf("Put(%q) = %v, want ErrInvalid", k, err)
				}
				if _, err := st.Open(ctx, k); !errors.Is(err, ErrInvalid) {
					t.Errorf("Open(%q) = %v, want ErrInvalid", k, err)
				}
				if err := st.Delete(ctx, k); !errors.Is(err, ErrInvalid) {
					t.Errorf("Delete(%q) = %v, want ErrInvalid", k, err)
				}
			}
		}},
		{"URL escapes each segment", func(t *testing.T, st Storage) {
			u := st.URL("2026/03/ab-صورة.jpg")
			if !strings.HasSuffix(u, "/2026/03/ab-%D8%B5%D9%88%D8%B1%D8%A9.jpg") {
				t.Fatalf("URL = %q", u)
			}
		}},
		{"a cancelled context stops put", func(t *testing.T, st Storage) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := st.Put(cctx, "c/x.jpg", strings.NewReader("data"), 4, "image/jpeg"); err == nil {
				t.Fatal("put with a cancelled context succeeded")
			}
			if _, err := st.Open(ctx, "c/x.jpg"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
		}},
	}
	for _, impl := range storages {
		t.Run(impl.name, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, impl.new(t)) })
			}
		})
	}
}

func TestDiskStorageLeavesNoTempFiles(t *testing.T) {
	st := &DiskStorage{Dir: t.TempDir()}
	_ = st.Put(context.Background(), "2026/03/a.jpg", &failingReader{left: 100}, 1000, "image/jpeg")
	_ = st.Put(context.Background(), "2026/03/b.jpg", strings.NewReader("short"), 1000, "image/jpeg")
	if files := filesIn(t, st.Dir); len(files) != 0 {
		t.Fatalf("files left after failed puts: %v", files)
	}
	if got := st.URL("2026/03/a.jpg"); got != "/uploads/2026/03/a.jpg" {
		t.Fatalf("default URL = %q", got)
	}
	if d := NewDiskStorage("/srv/nashra"); d.Dir != "/srv/nashra/uploads" || d.URLPrefix != "/uploads" {
		t.Fatalf("NewDiskStorage = %+v", d)
	}
}

func TestS3Storage(t *testing.T) {
	ctx := context.Background()
	cfg := startS3(t)

	missing := cfg
	missing.Bucket = "no-such-bucket"
	if _, err := NewS3Storage(ctx, missing); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing bucket: err = %v", err)
	}
	withScheme := cfg
	withScheme.Endpoint = "http://" + cfg.Endpoint
	if _, err := NewS3Storage(ctx, withScheme); err == nil {
		t.Fatal("an endpoint with a scheme was accepted")
	}

	st, err := NewS3Storage(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.URL("2026/03/a.jpg"), "http://"+cfg.Endpoint+"/"+testBucket+"/2026/03/a.jpg"; got != want {
		t.Fatalf("URL = %q, want %q", got, want)
	}
	cfg.PublicURL = "https://cdn.example.com/media/"
	st, err = NewS3Storage(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.URL("2026/03/a.jpg"); got != "https://cdn.example.com/media/2026/03/a.jpg" {
		t.Fatalf("URL with PublicURL = %q", got)
	}
	// The object carries its type, for whoever serves the bucket.
	if err := st.Put(ctx, "t/x.png", strings.NewReader("png"), 3, "image/png"); err != nil {
		t.Fatal(err)
	}
	rc, err := st.Open(ctx, "t/x.png")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	info, err := rc.(*minio.Object).Stat()
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/png" {
		t.Fatalf("stored content type %q", info.ContentType)
	}
}
