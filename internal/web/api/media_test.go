package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// upload sends parts to POST /media with tok.
func (e *env) upload(tok string, parts ...formPart) *resp {
	e.t.Helper()
	body, ctype := form(e.t, parts...)
	return e.do(req{method: "POST", path: adminBase + "/media", token: tok, body: body, ctype: ctype})
}

func mediaPath(id any) string {
	if f, ok := id.(float64); ok {
		id = int64(f)
	}
	return fmt.Sprintf("%s/media/%v", adminBase, id)
}

func TestAdminMediaLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		au, ed := e.tok["author"], e.tok["editor"]

		// Fields before and after the file; a Ghost field ignored.
		r := e.upload(au, textField("alt", "  وصف الصورة "), textField("ref", "x"), fileField("file", "صورة الخبر.jpg", photo(t, 1200, 800)),
			textField("caption", "تعليق"), textField("credit", "Nashra"))
		e.expect(r, http.StatusCreated, "", "")
		it := one(t, r, "media")
		id := it["id"]
		if loc := r.header.Get("Location"); loc != mediaPath(id) {
			t.Errorf("Location %q", loc)
		}
		for k, v := range map[string]any{"mime": "image/jpeg", "width": 1200.0, "height": 800.0, "alt": "وصف الصورة",
			"caption": "تعليق", "credit": "Nashra", "filename": "صورة الخبر.jpg", "uploaded_by": float64(e.author.ID),
			"created_at": "2026-03-01T09:32:00Z"} {
			if it[k] != v {
				t.Errorf("%s = %#v, want %#v", k, it[k], v)
			}
		}
		url := it["url"].(string)
		if !strings.HasPrefix(url, "/uploads/2026/03/") || !strings.HasSuffix(url, ".jpg") || it["bytes"].(float64) < 1000 {
			t.Errorf("url %q, bytes %v", url, it["bytes"])
		}
		var widths []float64
		for _, v := range it["variants"].([]any) {
			v := v.(map[string]any)
			widths = append(widths, v["width"].(float64))
			if !strings.Contains(it["srcset"].(string), v["url"].(string)+fmt.Sprintf(" %vw", v["width"])) {
				t.Errorf("srcset %q lacks %v", it["srcset"], v)
			}
		}
		if !slices.Equal(widths, []float64{480, 960}) || !strings.HasSuffix(it["srcset"].(string), url+" 1200w") {
			t.Errorf("variants %v, srcset %q", widths, it["srcset"])
		}
		if path, err := neturl.PathUnescape(url); err != nil {
			t.Error(err)
		} else if _, err := os.Stat(filepath.Join(e.data, filepath.FromSlash(path))); err != nil {
			t.Errorf("the original is not stored: %v", err)
		}
		if n := len(e.storedFiles()); n != 3 {
			t.Errorf("%d files stored, want the original and 2 variants", n)
		}

		// A small image: no variants, empty texts are null.
		small := one(t, e.upload(ed, fileField("file", "", photo(t, 300, 200))), "media")
		if small["alt"] != nil || small["filename"] != "image.jpg" || len(small["variants"].([]any)) != 0 ||
			small["srcset"] != small["url"].(string)+" 300w" {
			t.Errorf("small image %v", small)
		}

		// Reading: the list is newest first, paged like posts.
		r = e.do(req{method: "GET", path: adminBase + "/media", token: au})
		if got := ids(list(t, r, "media")); len(got) != 2 || got[0] != int64(small["id"].(float64)) {
			t.Errorf("list %v", got)
		}
		r = e.do(req{method: "GET", path: adminBase + "/media?limit=1&page=2", token: au})
		pg := r.json["meta"].(map[string]any)["pagination"].(map[string]any)
		if got := ids(list(t, r, "media")); len(got) != 1 || got[0] != int64(id.(float64)) || pg["total"].(float64) != 2 || pg["prev"].(float64) != 1 {
			t.Errorf("page 2: %v %v", got, pg)
		}
		if got := one(t, e.do(req{method: "GET", path: mediaPath(id), token: au}), "media"); fmt.Sprint(got) != fmt.Sprint(it) {
			t.Errorf("read back %v, want %v", got, it)
		}
		e.expect(e.do(req{method: "GET", path: mediaPath(424242), token: au}), 404, typeNotFound, "")

		// Updating: partial, null clears, the whole item can be sent back.
		r = e.do(req{method: "PUT", path: mediaPath(id), token: au, body: `{"media":[{"alt":"نص بديل","credit":null}]}`})
		e.expect(r, 200, "", "")
		if got := one(t, r, "media"); got["alt"] != "نص بديل" || got["caption"] != "تعليق" || got["credit"] != nil || got["url"] != url {
			t.Errorf("after update %v", got)
		}
		whole := one(t, e.do(req{method: "GET", path: mediaPath(id), token: au}), "media")
		whole["caption"] = "تعليق جديد"
		r = e.do(req{method: "PUT", path: mediaPath(id) + "/", token: e.tok["author2"], body: map[string]any{"media": []any{whole}}})
		if got := one(t, r, "media"); got["caption"] != "تعليق جديد" || got["alt"] != "نص بديل" {
			t.Errorf("round trip %v", got)
		}
		for _, tc := range []struct {
			body          string
			status        int
			typ, contains string
		}{
			{`{"media":[{"id":999}]}`, 400, typeBadRequest, "not the address's"},
			{`{"media":[{"titel":"x"}]}`, 400, typeBadRequest, `unknown field "titel"`},
			{`{"media":[{"alt":5}]}`, 400, typeBadRequest, `"alt" must be a string`},
			{`{"media":[]}`, 400, typeBadRequest, "exactly one"},
			{`{"alt":"x"}`, 400, typeBadRequest, `unknown field "alt"`},
			{`{"media":[{"alt":"` + strings.Repeat("ب", 1001) + `"}]}`, 422, typeValidation, "at most 1000"},
			{`{"media":[{"credit":"a\u0000b"}]}`, 422, typeValidation, "not valid text"},
		} {
			e.expect(e.do(req{method: "PUT", path: mediaPath(id), token: au, body: tc.body}), tc.status, tc.typ, tc.contains)
		}
		e.expect(e.do(req{method: "PUT", path: mediaPath(id), token: au, body: `{"media":[{"alt":"x"}]}`, ctype: "text/plain"}),
			415, typeUnsupportedMedia, "")
		e.expect(e.do(req{method: "PUT", path: mediaPath(424242), token: au, body: `{"media":[{"alt":"x"}]}`}), 404, typeNotFound, "")

		// Deleting: the uploader or an editor, not another author.
		e.expect(e.do(req{method: "DELETE", path: mediaPath(id), token: e.tok["author2"]}), 403, typeNoPermission, "uploader")
		e.expect(e.do(req{method: "DELETE", path: mediaPath(id), token: au}), 204, "", "")
		e.expect(e.do(req{method: "GET", path: mediaPath(id), token: au}), 404, typeNotFound, "")
		e.expect(e.do(req{method: "DELETE", path: mediaPath(id), token: au}), 404, typeNotFound, "")
		e.expect(e.do(req{method: "DELETE", path: mediaPath(small["id"]), token: e.tok["author"]}), 403, typeNoPermission, "")
		e.expect(e.do(req{method: "DELETE", path: mediaPath(small["id"]), token: ed}), 204, "", "")
		if files := e.storedFiles(); len(files) != 0 {
			t.Errorf("files left behind: %v", files)
		}
	})
}

// TestAdminMediaContributor: contributors may not use the library at all,
// and their upload is refused before its body is read.
func TestAdminMediaContributor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		co := e.tok["contributor"]
		e.expect(e.upload(co, fileField("file", "x.jpg", photo(t, 100, 100))), http.StatusForbidden, typeNoPermission, "media library")
		item := one(t, e.upload(e.tok["author"], fileField("file", "x.jpg", photo(t, 100, 100))), "media")
		for _, r := range []req{
			{method: "GET", path: adminBase + "/media"},
			{method: "GET", path: mediaPath(item["id"])},
			{method: "PUT", path: mediaPath(item["id"]), body: `{"media":[{"alt":"x"}]}`},
			{method: "DELETE", path: mediaPath(item["id"])},
		} {
			r.token = co
			e.expect(e.do(r), http.StatusForbidden, typeNoPermission, "")
		}
		if got := ids(list(t, e.do(req{method: "GET", path: adminBase + "/media", token: e.tok["editor"]}), "media")); len(got) != 1 {
			t.Errorf("library %v", got)
		}
	})
}

// TestAdminMediaRefusals: what the library refuses, and what the upload
// form must look like. A refused upload leaves nothing behind.
func TestAdminMediaRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		au := e.tok["author"]

		// Bombs and programs are refused from their first bytes, fast and
		// without memory to speak of.
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for _, tc := range []struct {
			name     string
			data     []byte
			status   int
			typ, msg string
		}{
			{"bomb.png", pngBomb(20000, 20000), 422, typeValidation, "20000×20000"},
			{"photo.jpg", elf(), 415, typeUnsupportedMedia, "Linux program (ELF)"},
			{"setup.png", append([]byte("MZ\x90\x00"), make([]byte, 4096)...), 415, typeUnsupportedMedia, "Windows program"},
			{"empty.jpg", nil, 415, typeUnsupportedMedia, "empty"},
			{"cut.jpg", photo(t, 400, 300)[:600], 415, typeUnsupportedMedia, "truncated or damaged"},
		} {
			start := time.Now()
			r := e.upload(au, textField("alt", "x"), fileField("file", tc.name, tc.data))
			took := time.Since(start)
			if took > time.Second {
				t.Errorf("%s: refused in %v", tc.name, took)
			}
			e.expect(r, tc.status, tc.typ, tc.msg)
			t.Logf("%s refused in %v: %d %s", tc.name, took.Round(time.Microsecond), r.status, short(string(r.raw)))
		}
		runtime.ReadMemStats(&after)
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
			t.Errorf("heap grew by %d MB while refusing", grew>>20)
		}

		// The size limits: the file's, and the body's (the file's + 1 MB),
		// told by Content-Length before reading, or found while reading a
		// body of unknown length: in a skipped field, or in the file.
		big := append(photo(t, 64, 64), make([]byte, testMaxBytes)...)
		e.expect(e.upload(au, fileField("file", "big.jpg", big)), 413, typeTooLarge, "larger than the limit of 512 KB")
		small := photo(t, 64, 64)
		for _, tc := range []struct {
			name    string
			padding int
			chunked bool
		}{{"declared", testMaxBytes + 1<<20, false}, {"skipped field", testMaxBytes + 1<<20, true}, {"in the file", testMaxBytes + 1<<20 - 2000, true}} {
			body, ctype := form(t, textField("padding", strings.Repeat("x", tc.padding)), fileField("file", "a.jpg", append(small, make([]byte, 4096)...)))
			r := e.do(req{method: "POST", path: adminBase + "/media", token: au, body: body, ctype: ctype, chunked: tc.chunked})
			if r.status != 413 {
				t.Errorf("%s: %d %s", tc.name, r.status, short(string(r.raw)))
				continue
			}
			e.expect(r, 413, typeTooLarge, "larger than 1536 KB")
		}

		// The form itself.
		long := strings.Repeat("ب", 1001)
		jpg := photo(t, 64, 64)
		body, ctype := form(t, fileField("file", "a.jpg", jpg))
		_, params, _ := strings.Cut(ctype, "; ")
		for _, tc := range []struct {
			name     string
			body     any
			ctype    string
			status   int
			typ, msg string
		}{
			{"json", `{"file":"x"}`, "application/json", 415, typeUnsupportedMedia, "multipart/form-data"},
			{"raw image", jpg, "image/jpeg", 415, typeUnsupportedMedia, "multipart/form-data"},
			{"urlencoded", "file=x", "application/x-www-form-urlencoded", 415, typeUnsupportedMedia, ""},
			{"no content type", jpg, "-", 415, typeUnsupportedMedia, ""},
			{"mixed", body, "multipart/mixed; " + params, 415, typeUnsupportedMedia, ""},
			{"no boundary", body, "multipart/form-data", 400, typeBadRequest, "boundary"},
			{"wrong boundary", body, "multipart/form-data; boundary=nope", 400, typeBadRequest, "malformed"},
			{"cut short", body[:len(body)-60], ctype, 400, typeBadRequest, "cut short"},
			{"empty body", "", ctype, 400, typeBadRequest, ""},
			{"no file", mustForm(t, textField("alt", "x")), "", 422, typeValidation, "field named file"},
			{"no parts", mustForm(t), "", 422, typeValidation, "field named file"},
			{"two files", mustForm(t, fileField("file", "a.jpg", jpg), fileField("file", "b.jpg", jpg)), "", 400, typeBadRequest, "one file"},
			{"alt too long", mustForm(t, textField("alt", long), fileField("file", "a.jpg", jpg)), "", 422, typeValidation, "at most 1000"},
			{"caption too long, after the file", mustForm(t, fileField("file", "a.jpg", jpg), textField("caption", strings.Repeat("x", 2001))), "", 422, typeValidation, "at most 2000"},
			{"huge text field", mustForm(t, fileField("file", "a.jpg", jpg), textField("credit", strings.Repeat("x", 20000))), "", 422, typeValidation, "longer than 16 KB"},
			{"NUL in credit", mustForm(t, textField("credit", "a\x00b"), fileField("file", "a.jpg", jpg)), "", 422, typeValidation, "not valid text"},
			{"bad UTF-8 in alt", mustForm(t, textField("alt", "\xff\xfe"), fileField("file", "a.jpg", jpg)), "", 422, typeValidation, "not valid text"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := req{method: "POST", path: adminBase + "/media", token: au, body: tc.body, ctype: tc.ctype}
				if b, ok := tc.body.(multipartBody); ok {
					r.body, r.ctype = b.body, b.ctype
				}
				if tc.ctype == "-" {
					r.ctype, r.header = "", map[string]string{"Content-Type": ""}
				}
				e.expect(e.do(r), tc.status, tc.typ, tc.msg)
			})
		}
		if got := list(t, e.do(req{method: "GET", path: adminBase + "/media", token: au}), "media"); len(got) != 0 {
			t.Errorf("refused uploads left items: %v", got)
		}
		if files := e.storedFiles(); len(files) != 0 {
			t.Errorf("refused uploads left files: %v", files)
		}
	})
}

// TestAdminMediaUnconfigured: without a library, the routes say so.
func TestAdminMediaUnconfigured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		h := New(e.cs, e.ss, Options{})
		for _, rt := range []struct{ method, path string }{{"GET", adminBase + "/media"}, {"DELETE", mediaPath(1)}} {
			r := httptest.NewRequest(rt.method, rt.path, nil)
			r.Header.Set("Authorization", "Bearer "+e.tok["editor"])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusNotImplemented || !strings.Contains(rec.Body.String(), "no media library") {
				t.Errorf("%s %s: %d %s", rt.method, rt.path, rec.Code, rec.Body.String())
			}
		}
	})
}
