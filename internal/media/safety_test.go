package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/png"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// measure runs fn and reports how long it took and how much the live heap
// grew meanwhile (and how much was allocated in all).
func measure(fn func()) (took time.Duration, heapGrowth, allocated int64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return took, int64(after.HeapAlloc) - int64(before.HeapAlloc), int64(after.TotalAlloc - before.TotalAlloc)
}

// refused checks that nothing of a refused upload was kept.
func refused(t *testing.T, db *store.DB, st *DiskStorage) {
	t.Helper()
	if files := filesIn(t, st.Dir); len(files) != 0 {
		t.Fatalf("files left by a refused upload: %v", files)
	}
	if n := countMedia(t, db); n != 0 {
		t.Fatalf("%d media rows after a refused upload", n)
	}
}

func TestRefuseNonImages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, st := newTestService(t, db, Options{})
		elf, err := os.ReadFile("/bin/true")
		if err != nil {
			elf = append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 4000)...)
		}
		cases := []struct {
			name, body, says string
			exact            bool // the body ends there; others go on forever
		}{
			{"empty", "", "empty", true},
			{"/bin/true renamed photo.jpg", string(elf), "Linux program", false},
			{"Windows program", "MZ\x90\x00" + strings.Repeat("\x00", 2000), "Windows program", false},
			{"shell script", "#!/bin/sh\nrm -rf /\n", "script", false},
			{"HTML", "<!DOCTYPE html><html><script>alert(1)</script>", "web page", false},
			{"SVG", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, "SVG", false},
			{"PDF", "%PDF-1.7\n" + strings.Repeat("x", 100), "PDF", false},
			{"HEIC", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC", false},
			{"BMP", "BM" + strings.Repeat("\x00", 60), "BMP", false},
			{"text", "just some words", "plain text", true},
		}
		for _, c := range cases {
			// Whatever follows the first bytes must not be read at all.
			body := &counter{r: io.MultiReader(strings.NewReader(c.body), &endless{})}
			if c.exact {
				body.r = strings.NewReader(c.body)
			}
			var err error
			took, heap, _ := measure(func() {
				_, err = svc.Upload(context.Background(), Upload{Filename: "photo.jpg", Body: body})
			})
			if !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: err = %v, want ErrNotImage saying %q", c.name, err, c.says)
				continue
			}
			if body.n > sniffLen {
				t.Errorf("%s: read %d bytes before refusing", c.name, body.n)
			}
			if took > 100*time.Millisecond {
				t.Errorf("%s: refused in %v", c.name, took)
			}
			t.Logf("%s: refused in %v, heap +%d KB, read %d bytes: %v", c.name, took, heap>>10, body.n, err)
		}
		refused(t, db, st)
	})
}

func TestRefuseTruncated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, st := newTestService(t, db, Options{})
		for _, mime := range []string{"image/png", "image/jpeg", "image/gif", "image/webp"} {
			data := encodeAs(t, mime, pattern(600, 400))
			cut := data[:len(data)/2]
			_, err := svc.Upload(context.Background(), Upload{Filename: "cut.png", Body: bytes.NewReader(cut)})
			if !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), "truncated or damaged") {
				t.Errorf("%s cut in half: err = %v, want ErrNotImage", mime, err)
			}
		}
		// Cut inside the header: the dimensions cannot even be read.
		data := encodeAs(t, "image/png", pattern(60, 40))
		_, err := svc.Upload(context.Background(), Upload{Filename: "cut.png", Body: bytes.NewReader(data[:20])})
		if !errors.Is(err, ErrNotImage) || !strings.Contains(err.Error(), "header") {
			t.Errorf("PNG cut in its header: err = %v", err)
		}
		refused(t, db, st)
	})
}

func TestRefuseTooLarge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, st := newTestService(t, db, Options{})
		// A real JPEG, padded to 21 MB (decoders ignore what follows the
		// image, so only the size can refuse it).
		head := encodeAs(t, "image/jpeg", gradient(64, 64))
		body := &counter{r: io.MultiReader(bytes.NewReader(head), io.LimitReader(&endless{}, 21<<20-int64(len(head))))}
		var err error
		took, heap, allocated := measure(func() {
			_, err = svc.Upload(context.Background(), Upload{Filename: "huge.jpg", Body: body})
		})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "20 MB") {
			t.Fatalf("err = %v, want ErrTooLarge naming the 20 MB limit", err)
		}
		if body.n > 20<<20+1 {
			t.Fatalf("read %d bytes of a 21 MB body; the limit is %d", body.n, 20<<20)
		}
		if allocated > 24<<20 {
			t.Errorf("allocated %d MB to refuse a 21 MB body", allocated>>20)
		}
		t.Logf("21 MB body refused in %v after reading %d bytes; heap +%d MB, %d MB allocated: %v",
			took, body.n, heap>>20, allocated>>20, err)
		refused(t, db, st)

		// An endless body costs no more.
		endlessBody := &counter{r: io.MultiReader(bytes.NewReader(head), &endless{})}
		if _, err := svc.Upload(context.Background(), Upload{Body: endlessBody}); !errors.Is(err, ErrTooLarge) || endlessBody.n > 20<<20+1 {
			t.Fatalf("endless body: err = %v after %d bytes", err, endlessBody.n)
		}
	})
}

// pngBomb writes a valid PNG declaring w×h one-bit grey pixels, all black:
// its rows of zeros compress about 1000:1, so 20000×20000 is some 50 KB on
// disk and 400 MB once decoded (1.6 GB in the RGBA a resize would need).
func pngBomb(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 0 // bit depth 1, greyscale
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	row := make([]byte, 1+(w+7)/8) // filter byte "none", then the pixels
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return buf.Bytes()
}

func TestRefuseDecompressionBomb(t *testing.T) {
	bomb := pngBomb(t, 20000, 20000)
	if cfg, err := png.DecodeConfig(bytes.NewReader(bomb)); err != nil || cfg.Width != 20000 {
		t.Fatalf("the bomb is not a valid PNG header: %v %+v", err, cfg)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, st := newTestService(t, db, Options{})
		for _, c := range []struct {
			name string
			data []byte
			says string
		}{
			{"20000×20000", bomb, "neither side may exceed 12000"},
			{"10000×10000", pngBomb(t, 10000, 10000), "100.0 megapixels"},
		} {
			body := &counter{r: bytes.NewReader(c.data)}
			var err error
			took, heap, allocated := measure(func() {
				_, err = svc.Upload(context.Background(), Upload{Filename: "bomb.png", Body: body})
			})
			if !errors.Is(err, ErrTooManyPixels) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("%s: err = %v, want ErrTooManyPixels saying %q", c.name, err, c.says)
			}
			if took > time.Second {
				t.Errorf("%s: refused in %v, want under 1 s", c.name, took)
			}
			if heap > 50<<20 || allocated > 50<<20 {
				t.Errorf("%s: heap grew by %d MB, %d MB allocated; want under 50 MB", c.name, heap>>20, allocated>>20)
			}
			if body.n >= int64(len(c.data)) {
				t.Errorf("%s: read all %d bytes before refusing", c.name, body.n)
			}
			t.Logf("%s bomb (%d KB file): refused in %v, heap +%d KB, %d KB allocated, read %d bytes: %v",
				c.name, len(c.data)>>10, took, heap>>10, allocated>>10, body.n, err)
		}
		refused(t, db, st)
	})
}

// Every format's header is checked before decoding: each of these small
// files declares a picture far over the limits.
func TestRefuseOversizedHeaders(t *testing.T) {
	small := gradient(8, 8)
	jpg := encodeAs(t, "image/jpeg", small)
	sof := bytes.Index(jpg, []byte{0xff, 0xc0})
	binary.BigEndian.PutUint16(jpg[sof+5:], 20000) // height
	binary.BigEndian.PutUint16(jpg[sof+7:], 20000) // width

	gif := encodeAs(t, "image/gif", small)
	binary.LittleEndian.PutUint16(gif[6:], 20000) // logical screen width
	binary.LittleEndian.PutUint16(gif[8:], 20000) // and height

	webp := encodeAs(t, "image/webp", small)
	if string(webp[12:16]) != "VP8L" || webp[20] != 0x2f {
		t.Fatalf("unexpected WebP layout % x", webp[:24])
	}
	bits := binary.LittleEndian.Uint32(webp[21:])
	bits = bits&^(1<<28-1) | (16000 - 1) | (16000-1)<<14 // 14 bits each for width-1 and height-1
	binary.LittleEndian.PutUint32(webp[21:], bits)

	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, st := newTestService(t, db, Options{})
		for name, data := range map[string][]byte{"JPEG": jpg, "GIF": gif, "WebP": webp} {
			_, err := svc.Upload(context.Background(), Upload{Body: bytes.NewReader(data)})
			if !errors.Is(err, ErrTooManyPixels) {
				t.Errorf("%s declaring a huge size: err = %v, want ErrTooManyPixels", name, err)
			}
		}
		refused(t, db, st)
	})
}
