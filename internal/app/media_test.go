package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// upload posts one file to the media library as the editor's script does.
func (b *browser) upload(name string, data []byte, alt string) (int, map[string]any) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("alt", alt)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.URL+"/admin/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func photo(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}

// pngBomb is a tiny, valid PNG whose header declares w×h pixels.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n"))
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 1, 0 // 1-bit greyscale
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestMediaUploadsAndFeaturedImages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := startSite(t, db, 16)
		ctx := context.Background()
		newStaffUser(t, db, "author@example.com", staff.Author)
		newStaffUser(t, db, "contrib@example.com", staff.Contributor)
		if code, _ := s.signIn(t, "contrib@example.com", "a long password").upload("x.jpg", photo(10, 10), ""); code != http.StatusForbidden {
			t.Fatalf("a contributor uploads: %d", code)
		}
		au := s.signIn(t, "author@example.com", "a long password")

		code, item := au.upload("صورة الخبر.jpg", photo(1200, 800), "وصف الصورة")
		if code != http.StatusCreated {
			t.Fatalf("upload: %d %v", code, item)
		}
		src := item["url"].(string)
		if r, _ := s.get(t, src); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("GET %s: %d %q", src, r.StatusCode, r.Header.Get("Content-Type"))
		}

		// Bombs and programs are refused fast, with bounded memory.
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for name, data := range map[string][]byte{
			"bomb.png":  pngBomb(20000, 20000),
			"photo.jpg": append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 4096)...),
			"setup.png": append([]byte("MZ\x90\x00"), make([]byte, 4096)...),
		} {
			start := time.Now()
			code, out := au.upload(name, data, "")
			took := time.Since(start)
			if code != http.StatusUnsupportedMediaType && code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %v", name, code, out)
			}
			if out["error"] == nil || took > time.Second {
				t.Errorf("%s: refused in %v with %v", name, took, out)
			}
			t.Logf("%s refused in %v: %v", name, took.Round(time.Microsecond), out["error"])
		}
		runtime.ReadMemStats(&after)
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
			t.Errorf("heap grew by %d MB while refusing", grew>>20)
		}

		// A post whose featured image comes from the library gets srcset.
		form := url.Values{"title": {"خبر بصورة"}, "slug": {"with-image"}, "body": {"نص"}, "lang": {"ar"}, "action": {"publish"}, "featured_url": {src}}
		if code, body := au.post("/admin/posts/new", form); code != http.StatusSeeOther {
			t.Fatalf("publish: %d %.300s", code, body)
		}
		page := s.mustGet(t, "/with-image/", 200)
		mustContain(t, page, `srcset="`, ` 480w`, ` 1200w`, `alt="وصف الصورة"`, `width="1200"`)
		p, _ := s.Content.Lookup(ctx, "with-image")
		if p.Featured.SrcSet == "" || !strings.Contains(p.Featured.SrcSet, strconv.Itoa(960)+"w") {
			t.Fatalf("srcset %q", p.Featured.SrcSet)
		}
	})
}
