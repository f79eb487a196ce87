package e2e

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/testenv"
)

// TestBrowserReaderSubscribesReadsAndUnsubscribes walks a reader's whole
// path in Chromium against the real binary: a members-only article shows
// its teaser and the gate (soft: "continue reading" reveals the rest
// without script); the reader subscribes from the gate's page, confirms by
// the link mailed to them (the outbox folder, as without SMTP), comes back
// signed in and reads the whole article with no gate; the next post the
// editor publishes with "email it" arrives, and its one-click unsubscribe
// link ends the subscription from the browser.
func TestBrowserReaderSubscribesReadsAndUnsubscribes(t *testing.T) {
	chromium := testenv.Chromium(t)
	data := t.TempDir()
	n := serve(t, "--demo", "--data", data)
	if out, code := run(t, "user", "add", "--data", data, "--email", "ed@example.com", "--name", "محررة", "--role", "editor",
		"--password", "a long password"); code != 0 {
		t.Fatalf("user add: %s", out)
	}
	outbox := filepath.Join(data, "outbox")
	const reader = "reader@example.com"

	// The editor publishes a members-only article and, later, a post emailed to the newsletter.
	editor := newBrowser(t, chromium, 120*time.Second)
	signInBrowser(t, editor, n.URL, "ed@example.com")
	publish := func(title, slug, body, visibility, newsletter string) {
		t.Helper()
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(n.URL + "/admin/posts/new"),
			chromedp.WaitVisible(`textarea[data-editor]`),
			chromedp.SendKeys(`input[name=title]`, title),
			chromedp.SetValue(`textarea[data-editor]`, body),
			chromedp.SetValue(`input[name=slug]`, slug),
			chromedp.SetValue(`select[name=visibility]`, visibility),
		}
		if newsletter != "" {
			actions = append(actions, chromedp.SetValue(`select[name=send_newsletter]`, newsletter))
		}
		actions = append(actions, chromedp.Click(`button[name=action][value=publish]`), chromedp.WaitVisible(`.flash`))
		if err := chromedp.Do(editor, actions...); err != nil {
			t.Fatalf("publish %s: %v", slug, err)
		}
	}
	paragraphs := []string{
		"افتتح المتحف الوطني جناحاً جديداً للمخطوطات العربية النادرة بحضور باحثين من عدة دول.",
		"ويضم الجناح أكثر من ثلاثمئة مخطوطة في الفلك والطب والرياضيات، بعضها يُعرض للمرة الأولى.",
		"وقال مدير المتحف إن ترميم المخطوطات استغرق أربع سنوات بالتعاون مع مختبرات متخصصة.",
		"الفقرة الأخيرة للأعضاء فقط: يفتح الجناح أبوابه للجمهور مطلع الشهر المقبل.",
	}
	publish("جناح جديد للمخطوطات العربية", "manuscripts", strings.Join(paragraphs, "\n\n"), "members", "")

	b := newBrowser(t, chromium, 120*time.Second)
	rec := record(t, b)
	article := n.URL + "/manuscripts/"
	visible := func(text string) bool {
		return eval[bool](t, b, `(() => { const t = `+jsString(text)+`;
			return [...document.querySelectorAll(".article__body p")].some(p => p.innerText.includes(t) && p.offsetParent !== null); })()`)
	}
	if err := chromedp.Do(b, chromedp.Navigate(article), chromedp.WaitVisible(`section.gate`)); err != nil {
		t.Fatalf("open the members' article: %v", err)
	}
	if !visible(paragraphs[0]) || visible(paragraphs[3]) {
		t.Fatal("the gate should show the teaser and hide the rest")
	}
	saveScreenshot(t, b, "reader-gate.png")
	if err := chromedp.Do(b, chromedp.Click(`a.gate__continue`), chromedp.WaitVisible(`#continue`)); err != nil {
		t.Fatalf("continue reading: %v", err)
	}
	if !visible(paragraphs[3]) {
		t.Fatal(`"continue reading" did not reveal the rest (soft gate)`)
	}

	// Subscribe from the box under the article.
	if err := chromedp.Do(b,
		chromedp.Navigate(article),
		chromedp.SendKeys(`form.subscribe-form input[name=email]`, reader),
		chromedp.Submit(`form.subscribe-form`),
		chromedp.WaitVisible(`main`),
	); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if body := eval[string](t, b, `document.body.innerText`); !strings.Contains(body, "تحقق من بريدك") {
		t.Fatalf("after subscribing the page says:\n%.500s", body)
	}
	confirm := waitMail(t, outbox, reader, "", regexp.MustCompile(`https?://\S+/members/confirm\?token=\S+`))
	if err := chromedp.Do(b, chromedp.Navigate(confirm.link), chromedp.WaitVisible(`main`)); err != nil {
		t.Fatalf("confirm: %v", err)
	}

	// Back on the article, signed in: no gate, every paragraph.
	if err := chromedp.Do(b, chromedp.Navigate(article), chromedp.WaitVisible(`.article__body`)); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, b, `document.querySelector("section.gate") !== null`) {
		t.Fatal("a confirmed member still sees the gate")
	}
	for _, p := range paragraphs {
		if !visible(p) {
			t.Fatalf("the member cannot read %q", p)
		}
	}
	waitFonts(t, b)
	saveScreenshot(t, b, "reader-member.png")

	// The member comments from the article, without typing a name or an
	// address; a first comment waits for a moderator, and the page says so.
	if eval[bool](t, b, `document.querySelector("#comment-email") !== null`) {
		t.Fatal("the comment form asks a signed-in member for an address")
	}
	time.Sleep(3100 * time.Millisecond) // the form's minimum fill time
	if err := chromedp.Do(b,
		chromedp.SendKeys(`#comment-body`, "متى يُفتح الجناح أيام الجمعة؟"),
		chromedp.Submit(`form.comment-form`),
		chromedp.WaitVisible(`.comment-respond .notice`),
	); err != nil {
		t.Fatalf("comment: %v", err)
	}
	if notice := eval[string](t, b, `document.querySelector(".comment-respond .notice").innerText`); !strings.Contains(notice, "بانتظار مراجعة") {
		t.Fatalf("after commenting the page says %q", notice)
	}

	// The next post is emailed; its one-click link unsubscribes from the browser.
	publish("موعد افتتاح الجناح للجمهور", "opening-date", "يفتح الجناح أبوابه مطلع الشهر المقبل.", "public", "news")
	letter := waitMail(t, outbox, reader, "موعد افتتاح الجناح للجمهور", regexp.MustCompile(`https?://\S+/members/unsubscribe\?\S+`))
	if letter.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(letter.header.Get("List-Unsubscribe"), letter.link) {
		t.Fatalf("the letter's unsubscribe headers: %v", letter.header)
	}
	if err := chromedp.Do(b,
		chromedp.Navigate(letter.link),
		chromedp.WaitVisible(`form[action^="/members/unsubscribe"] button`),
		chromedp.Click(`form[action^="/members/unsubscribe"] button`),
		chromedp.WaitNotPresent(`form[action^="/members/unsubscribe"] button`),
	); err != nil {
		t.Fatalf("unsubscribe: %v", err)
	}
	saveScreenshot(t, b, "reader-unsubscribed.png")
	if err := chromedp.Do(b, chromedp.Navigate(n.URL+"/members/account"), chromedp.WaitVisible(`main`)); err != nil {
		t.Fatal(err)
	}
	if body := eval[string](t, b, `document.body.innerText`); !strings.Contains(body, reader) {
		t.Fatalf("the account page after unsubscribing:\n%.500s", body)
	}
	if st := memberStatus(t, data, reader); st != "unsubscribed" {
		t.Fatalf("member status %q after the one-click unsubscribe", st)
	}
	rec.check(t, n.URL)
}

// mailSeen is a message read from the outbox folder.
type mailSeen struct {
	header mail.Header
	text   string
	link   string // the first match of the pattern asked for
}

// waitMail waits up to 15 s for a message in dir to to whose subject
// contains subject and whose text part matches link.
func waitMail(t *testing.T, dir, to, subject string, link *regexp.Regexp) mailSeen {
	t.Helper()
	dec := new(mime.WordDecoder)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			msg, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil || !strings.Contains(msg.Header.Get("To"), to) {
				continue
			}
			subj, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
			if !strings.Contains(subj, subject) {
				continue
			}
			text := textOf(t, msg)
			if m := link.FindString(text); m != "" {
				return mailSeen{header: msg.Header, text: text, link: m}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no message to %s about %q with %s in %s", to, subject, link, dir)
	return mailSeen{}
}

// textOf returns a message's plain-text part, decoded.
func textOf(t *testing.T, msg *mail.Message) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(msg.Body)
		return string(b)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return ""
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(p)
			return string(b)
		}
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// memberStatus reads a member's status from the site's database file, as
// the running process left it (SQLite in WAL mode takes a second reader).
func memberStatus(t *testing.T, data, email string) string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(data, "nashra.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var st string
	if err := db.QueryRow(ctx, "SELECT status FROM members WHERE email = ?", email).Scan(&st); err != nil {
		t.Fatalf("member %s: %v", email, err)
	}
	return st
}
