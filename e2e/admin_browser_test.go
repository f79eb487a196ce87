package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nashra.dev/nashra/internal/testenv"
)

// TestBrowserEditorSchedulesAnArabicPost drives the admin as a journalist
// would: sign in, upload a photo, write an Arabic post that uses it, schedule
// it a few seconds ahead, and see it appear on the public site. A
// contributor's attempt to publish is refused in the page.
func TestBrowserEditorSchedulesAnArabicPost(t *testing.T) {
	chromium := testenv.Chromium(t)
	data := t.TempDir()
	n := serve(t, "--demo", "--data", data)
	for _, u := range [][]string{{"ed@example.com", "editor"}, {"co@example.com", "contributor"}} {
		if out, code := run(t, "user", "add", "--data", data, "--email", u[0], "--name", "حساب "+u[1], "--role", u[1], "--password", "a long password"); code != 0 {
			t.Fatalf("user add: %s", out)
		}
	}
	photoPath := filepath.Join(t.TempDir(), "صورة.jpg")
	if err := os.WriteFile(photoPath, testPhoto(1200, 700), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := newBrowser(t, chromium, 90*time.Second)
	rec := record(t, ctx)
	signInBrowser(t, ctx, n.URL, "ed@example.com")

	// Upload through the media library page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(n.URL+"/admin/media"),
		chromedp.SetUploadFiles(`form.upload input[type=file]`, []string{photoPath}),
		chromedp.SendKeys(`form.upload input[name=alt]`, "ألواح شمسية"),
		chromedp.Submit(`form.upload`),
		chromedp.WaitVisible(`.media-grid li input[readonly]`),
	); err != nil {
		t.Fatalf("upload: %v", err)
	}
	imageURL := eval[string](t, ctx, `document.querySelector(".media-grid li input[readonly]").value`)
	if !strings.HasPrefix(imageURL, "/uploads/") {
		t.Fatalf("uploaded image URL %q", imageURL)
	}

	// Write and schedule.
	at := time.Now().Add(4 * time.Second)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(n.URL+"/admin/posts/new"),
		chromedp.WaitVisible(`textarea[data-editor]`),
		chromedp.SendKeys(`input[name=title]`, "افتتاح محطة طاقة شمسية جديدة في الصحراء"),
		chromedp.SendKeys(`textarea[data-editor]`, "قالت الشركة المشغلة إن المحطة ستنتج 500 ميغاواط، وفق تقرير Reuters."),
		chromedp.SetValue(`input[name=slug]`, "solar-scheduled"),
		chromedp.SetValue(`input[name=featured_url]`, imageURL),
	); err != nil {
		t.Fatalf("write: %v", err)
	}
	if wc := eval[string](t, ctx, `document.querySelector("[data-wordcount]").textContent`); !strings.Contains(wc, "كلمة") {
		t.Errorf("word count shows %q", wc)
	}
	siteTime := at.In(riyadh(t)).Format("2006-01-02T15:04:05")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`input[name=publish_at]`, siteTime),
		chromedp.Click(`button[name=action][value=schedule]`),
		chromedp.WaitVisible(`.flash`),
	); err != nil {
		t.Fatalf("schedule: %v", err)
	}
	saveScreenshot(t, ctx, "editor-scheduled.png")
	if code, _ := get(t, n.URL+"/solar-scheduled/"); code != 404 {
		t.Fatalf("visible before its time: %d", code)
	}
	for {
		code, body := get(t, n.URL+"/solar-scheduled/")
		if code == 200 {
			if !strings.Contains(body, "srcset=") || !strings.Contains(body, "<bdi>Reuters</bdi>") {
				t.Errorf("the published page lacks the image's srcset or the isolated Latin run")
			}
			t.Logf("live %v after its time", time.Since(at).Round(100*time.Millisecond))
			break
		}
		if time.Since(at) > 15*time.Second {
			t.Fatalf("not live %v after its time", time.Since(at))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(n.URL+"/solar-scheduled/"), chromedp.WaitVisible(`figure.article__figure img`)); err != nil {
		t.Fatal(err)
	}
	if w := eval[float64](t, ctx, `document.querySelector("figure.article__figure img").naturalWidth`); w <= 0 {
		t.Errorf("the featured image did not load")
	}
	rec.check(t, n.URL)

	// A contributor: no publish button, and a forged publish is refused.
	cctx := newBrowser(t, chromium, 60*time.Second)
	signInBrowser(t, cctx, n.URL, "co@example.com")
	if err := chromedp.Do(cctx, chromedp.Navigate(n.URL+"/admin/posts/new"), chromedp.WaitVisible(`textarea[data-editor]`)); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, cctx, `!!document.querySelector("button[name=action][value=publish]")`) {
		t.Error("a contributor is offered a publish button")
	}
	if err := chromedp.Do(cctx, chromedp.SendKeys(`input[name=title]`, "محاولة نشر من مساهم")); err != nil {
		t.Fatal(err)
	}
	// Forge what the page does not offer: a publish button, clicked.
	eval[bool](t, cctx, `(() => { const f = document.querySelector("form.editor"); const b = document.createElement("button");
		b.name = "action"; b.value = "publish"; f.appendChild(b); b.click(); return true; })()`)
	if err := chromedp.Do(cctx, chromedp.WaitVisible(`.alert`)); err != nil {
		t.Fatal(err)
	}
	if msg := eval[string](t, cctx, `document.querySelector(".alert").textContent`); !strings.Contains(msg, "لا تملك صلاحية النشر") {
		t.Errorf("refusal message %q", msg)
	}
}

func signInBrowser(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/login"),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, "a long password"),
		chromedp.Submit(`form`),
		chromedp.WaitVisible(`table.posts`),
	); err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func riyadh(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Riyadh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func testPhoto(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(200 - y/4), uint8(120 + x/10), uint8(40 + y/5), 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	return b.Bytes()
}
