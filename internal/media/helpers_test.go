package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/HugoSmits86/nativewebp"

	"nashra.dev/nashra/internal/store"
)

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func newTestService(t *testing.T, db *store.DB, opt Options) (*Service, *DiskStorage) {
	t.Helper()
	st := &DiskStorage{Dir: t.TempDir(), URLPrefix: "/uploads"}
	return New(db, st, func() time.Time { return testNow }, opt), st
}

// gradient is a smooth test picture with a white top-left corner, to see
// rotation.
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(255 * x / w), G: uint8(255 * y / h), B: uint8(255 * (x + y) / (w + h)), A: 255})
		}
	}
	for y := range min(h, 8) {
		for x := range min(w, 8) {
			img.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
		}
	}
	return img
}

func encodeAs(t testing.TB, mime string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch mime {
	case "image/jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	case "image/png":
		err = png.Encode(&buf, img)
	case "image/gif":
		p := image.NewPaletted(img.Bounds(), palette.Plan9)
		draw.Draw(p, p.Rect, img, img.Bounds().Min, draw.Src)
		err = gif.Encode(&buf, p, nil)
	case "image/webp":
		err = nativewebp.Encode(&buf, img, nil)
	default:
		t.Fatalf("no encoder for %s", mime)
	}
	if err != nil {
		t.Fatalf("encode %s: %v", mime, err)
	}
	return buf.Bytes()
}

// endless yields zero bytes forever and counts them, to show how much of a
// body the service reads.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	e.n += int64(len(p))
	return len(p), nil
}

// filesIn lists the regular files below dir, temporary ones included.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func readStored(t *testing.T, st Storage, key string) []byte {
	t.Helper()
	rc, err := st.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

func countMedia(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM media").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
