package app

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// TestCommentsPrivacyEmailsNeverPublished is the comments' privacy promise
// checked from outside: comments are posted through the public form with
// known addresses (approved, held and spam, a reply, a signed-in member's),
// then every page, feed, sitemap and Content API answer the site gives an
// anonymous visitor is fetched, and none holds any of the addresses, in
// any spelling a template, a URL or a JSON encoder could give them, nor
// their MD5, SHA-1 or SHA-256 (what a Gravatar link would carry).
func TestCommentsPrivacyEmailsNeverPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := startSite(t, db, 16)
		sample, err := s.Content.Lookup(ctx, s.Sample)
		if err != nil {
			t.Fatal(err)
		}
		other := otherArabicPost(t, s, sample.ID)
		for _, p := range []*content.Post{sample, other} {
			if err := s.Svc.Comments.SetOpen(ctx, p.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		samplePath, otherPath := "/"+url.PathEscape(sample.Slug)+"/", "/"+url.PathEscape(other.Slug)+"/"

		// The commenters. Names and bodies share nothing with the addresses,
		// so that finding an address means finding a leak.
		type commenter struct {
			email, name, body string
			post              *content.Post
			ip                string
			shown             bool // approved: the crawl must see its body
		}
		first := commenter{"Leak.Canary+1@Example.com", "ليلى حداد", "أول تعليق على التقرير، مع الشكر", sample, "198.51.100.21", true}
		reply := commenter{"reply_canary.two@example.org", "Omar K.", "A reply, threaded under the first one", sample, "198.51.100.22", true}
		second := commenter{"Second.Post.Canary@Example.NET", "سامي", "تعليق على خبر آخر", other, "198.51.100.23", true}
		later := commenter{"LATER.canary@example.com", "هدى", "تعليق يُقبل بعد الزحف", other, "198.51.100.24", false}
		held := commenter{"held.canary@example.com", "منى", "تعليق ينتظر المراجعة ولا يُعرض", sample, "198.51.100.25", false}
		spam := commenter{"Spam.Canary@Example.com", "Cheap Pills", "buy now, an offer never shown", other, "198.51.100.26", false}
		const memberEmail, memberName, memberBody = "Member.Canary@Example.com", "رامي العضو", "تعليق من عضو مسجّل في الموقع"
		// A member who gave no name: the form asks for none, and the comment
		// must not be signed with anything taken from the address.
		const namelessEmail, namelessBody = "Nameless.Canary@Example.com", "تعليق من عضو لم يذكر اسمه"

		tokens := map[int64]string{}
		for _, p := range []*content.Post{sample, other} {
			tokens[p.ID] = commentToken(t, s.mustGet(t, "/"+url.PathEscape(p.Slug)+"/", 200))
		}
		member := namedMember(t, s, memberEmail, memberName)
		code, memberPage := member.get(samplePath)
		if code != 200 || !strings.Contains(memberPage, memberName) {
			t.Fatalf("the member's article: %d, or the form does not name the member", code)
		}
		memberToken := commentToken(t, memberPage)
		nameless := namedMember(t, s, namelessEmail, "")
		code, namelessPage := nameless.get(otherPath)
		if code != 200 || strings.Contains(namelessPage, `name="name"`) {
			t.Fatalf("the nameless member's article: %d, or the form asks for a name", code)
		}
		namelessToken := commentToken(t, namelessPage)
		waitFillTime()

		send := func(c commenter, parent int64) int64 {
			t.Helper()
			form := commentForm(c.post.ID, tokens[c.post.ID], c.name, c.email, c.body)
			if parent != 0 {
				form.Set("parent_id", fmt.Sprint(parent))
			}
			form.Set("notify", "1")
			if code, loc, _ := postComment(t, s, c.ip, form); code != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", c.email, code, loc)
			}
			return commentID(t, db, c.email)
		}
		firstID := send(first, 0)
		secondID, laterID, heldID, spamID := send(second, 0), send(later, 0), send(held, 0), send(spam, 0)
		if code, _ := member.post("/comments", url.Values{"post_id": {fmt.Sprint(sample.ID)}, "token": {memberToken},
			"comment": {memberBody}, "notify": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("the member's comment: %d", code)
		}
		memberID := commentID(t, db, memberEmail)
		if code, _ := nameless.post("/comments", url.Values{"post_id": {fmt.Sprint(other.ID)}, "token": {namelessToken},
			"comment": {namelessBody}}); code != http.StatusSeeOther {
			t.Fatalf("the nameless member's comment: %d", code)
		}
		namelessID := commentID(t, db, namelessEmail)
		moderate(t, s, comments.ActApprove, firstID, secondID, memberID, namelessID)
		replyID := send(reply, firstID) // a reply answers an approved comment
		moderate(t, s, comments.ActApprove, replyID)
		moderate(t, s, comments.ActSpam, spamID)
		for id, want := range map[int64]comments.Status{firstID: comments.Approved, replyID: comments.Approved, memberID: comments.Approved, namelessID: comments.Approved,
			secondID: comments.Approved, laterID: comments.Pending, heldID: comments.Pending, spamID: comments.Spam} {
			var got comments.Status
			if err := db.QueryRow(ctx, "SELECT status FROM comments WHERE id = ?", id).Scan(&got); err != nil || got != want {
				t.Fatalf("comment %d: %q, want %q (%v)", id, got, want, err)
			}
		}

		// What the crawl starts from, besides the home page: every feed and
		// sitemap by its address, each post's comment feed, the article's
		// variants, and the Content API with a key.
		key, err := s.Content.CreateContentKey(ctx, "privacy crawl")
		if err != nil {
			t.Fatal(err)
		}
		seeds := []string{"/", "/feed/", "/feed/atom/", "/feed.json", "/comments/feed/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt",
			"/members/signup", "/members/signin", "/healthz", "/metrics",
			samplePath + "?replytocom=" + fmt.Sprint(firstID), samplePath + "?replytocom=" + fmt.Sprint(replyID),
			samplePath + "?comments=newest", samplePath + "?moderation=1", otherPath + "?moderation=1", otherPath + "?comments=newest",
			"/api/openapi.json"}
		api := func(path string) string { return "/api/content/v1" + path + "?key=" + url.QueryEscape(key) }
		seeds = append(seeds, api("/posts"), api("/pages"), api("/tags"), api("/categories"), api("/authors"))
		posts, err := s.Content.List(ctx, content.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		pages, err := s.Content.List(ctx, content.Filter{Type: content.TypePage, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		site, err := s.Svc.Settings.Site(ctx)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(site.Timezone)
		if err != nil {
			t.Fatal(err)
		}
		dates := map[string]bool{}
		for _, p := range posts {
			seeds = append(seeds, "/"+url.PathEscape(p.Slug)+"/feed/", api("/posts/"+fmt.Sprint(p.ID)), api("/posts/slug/"+url.PathEscape(p.Slug)))
			for _, d := range []string{"/2006/", "/2006/01/", "/2006/01/02/"} { // date archives, which no page links
				if d = p.PublishedAt.In(loc).Format(d); !dates[d] {
					dates[d] = true
					seeds = append(seeds, d)
				}
			}
		}
		for _, p := range pages {
			seeds = append(seeds, api("/pages/"+fmt.Sprint(p.ID)), api("/pages/slug/"+url.PathEscape(p.Slug)))
		}
		cats, err := s.Content.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cats {
			base := "/category/" + url.PathEscape(c.Slug) + "/"
			seeds = append(seeds, base+"feed/", base+"feed/atom/", base+"feed.json")
		}
		tags, err := s.Content.Tags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range tags {
			seeds = append(seeds, "/tag/"+url.PathEscape(tg.Slug)+"/feed/")
		}
		authors, err := s.Content.Authors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range authors {
			seeds = append(seeds, "/author/"+url.PathEscape(a.Slug)+"/feed/")
		}

		everyone := []commenter{first, reply, second, later, held, spam, {email: memberEmail, name: memberName, body: memberBody, shown: true},
			{email: namelessEmail, body: namelessBody, shown: true}}
		var needles []needle
		for _, c := range everyone {
			needles = append(needles, emailNeedles(c.email)...)
		}
		crawl := crawlSite(t, s, seeds, 400, needles)
		t.Logf("crawled %d URLs (%d seeds), %d MB", len(crawl.visited), len(seeds), crawl.bytes>>20)
		for _, l := range crawl.leaks {
			t.Errorf("leak: %s", l)
		}
		// A signed-in member's pages are never cached and carry the form
		// "as" the member: the discussion as the commenting member sees it
		// holds no address either, theirs included.
		for _, path := range []string{samplePath, samplePath + "?replytocom=" + fmt.Sprint(firstID), otherPath} {
			resp, err := member.http.Get(s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), memberName) {
				t.Fatalf("%s as the member: %d", path, resp.StatusCode)
			}
			for _, l := range leaksIn("member's "+path, resp, body, needles) {
				t.Errorf("leak: %s", l)
			}
		}

		// The crawl saw what it had to: the approved comments, and no more.
		// (An empty or broken crawl would find no leak, and prove nothing.)
		if len(crawl.visited) < 100 {
			t.Errorf("only %d URLs crawled", len(crawl.visited))
		}
		for _, seed := range seeds {
			if code := crawl.status[crawl.key(seed)]; code != 200 {
				t.Errorf("seed %s: %d", seed, code)
			}
		}
		for _, c := range everyone {
			seen := crawl.contains(html.EscapeString(c.body))
			if c.shown && len(seen) < 3 { // the article, its feed and the site's comment feed, at least
				t.Errorf("the approved comment %q seen on %d pages: %v", c.body, len(seen), seen)
			}
			if !c.shown && len(seen) > 0 {
				t.Errorf("the unapproved comment %q is on %v", c.body, seen)
			}
		}

		if on := crawl.contains(`<span class="comment__author"><bdi>عضو</bdi></span>`); !slices.Contains(on, otherPath) {
			t.Errorf("the nameless member's comment is not signed \"member\": %v", on)
		}

		// Lists show a post's approved comments on its card ("3" here: the
		// first, its reply and the member's), one query per page, and a
		// cached card never shows an old count: the approval's change notice
		// flushes the page cache but keeps the rendered fragments.
		countLink := func(path, text string) string {
			return `<a class="comment-count" href="` + path + `#comments">` + text + `</a>`
		}
		if on := crawl.contains(countLink(samplePath, "3 تعليقات")); len(on) < 2 { // its category's list and its author's, at least
			t.Errorf("the sample's comment count is shown on %v", on)
		}
		lists := crawl.contains(countLink(otherPath, "تعليقان")) // the second and the nameless member's
		if len(lists) == 0 {
			t.Fatal("no list shows the other post's two comments")
		}
		moderate(t, s, comments.ActApprove, laterID)
		deadline := time.Now().Add(5 * time.Second)
		for _, path := range lists {
			for {
				page := s.mustGet(t, path, 200)
				if strings.Contains(page, countLink(otherPath, "3 تعليقات")) && !strings.Contains(page, countLink(otherPath, "تعليقان")) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s still shows the old count after an approval", path)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})
}

// otherArabicPost is a published Arabic post other than the one excluded.
func otherArabicPost(t *testing.T, s *testSite, exclude int64) *content.Post {
	t.Helper()
	posts, err := s.Content.List(context.Background(), content.Filter{Lang: "ar", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for i := range posts {
		if posts[i].ID != exclude {
			return &posts[i]
		}
	}
	t.Fatal("the demo has a single Arabic post")
	return nil
}

// namedMember subscribes email with a name through the public form and
// confirms it by the mailed link: a signed-in member.
func namedMember(t *testing.T, s *testSite, email, name string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, s: s, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if code, _ := b.post("/subscribe", url.Values{"email": {email}, "name": {name}}); code != 200 {
		t.Fatalf("subscribe %s: %d", email, code)
	}
	if code, _ := b.get(strings.TrimPrefix(outboxLink(t, s.Data, strings.ToLower(email), "/members/confirm?token="), s.URL)); code != 200 {
		t.Fatalf("confirm %s: %d", email, code)
	}
	return b
}

func commentID(t *testing.T, db *store.DB, email string) int64 {
	t.Helper()
	var id int64
	err := db.QueryRow(context.Background(), "SELECT MAX(id) FROM comments WHERE author_email = ?", strings.ToLower(email)).Scan(&id)
	if err != nil || id == 0 {
		t.Fatalf("no comment from %s: %v", email, err)
	}
	return id
}

func moderate(t *testing.T, s *testSite, act comments.Action, ids ...int64) {
	t.Helper()
	res, err := s.Svc.Comments.Moderate(context.Background(), act, ids...)
	if err != nil || len(res.Missing) > 0 { // Skipped: already there (a trusted commenter's comment is approved at once)
		t.Fatalf("%s %v: %+v, %v", act, ids, res, err)
	}
}

// needle is a form an address may take in a page, lowercased.
type needle struct{ email, form, text string }

// emailNeedles are the spellings of email a leak could take: as typed and
// lowercased, its local part, with "@" and "+" percent-encoded (URLs),
// as HTML character references (html/template writes "+" as &#43;), or as
// JSON and JavaScript escapes; and the hex MD5, SHA-1 and SHA-256 of the
// trimmed, lowercased address (Gravatar's key) and of the address as typed.
func emailNeedles(email string) []needle {
	lower := strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(lower, "@")
	var out []needle
	seen := map[string]bool{}
	add := func(text, form string) { // the first name given a spelling is kept
		if !seen[text] {
			seen[text] = true
			out = append(out, needle{email: email, form: form, text: text})
		}
	}
	add(lower, "the address")
	add(local, "its local part")
	ats := []string{"@", "%40", "&#64;", "&#x40;", "&commat;", `\u0040`, `\x40`}
	pluses := []string{"+", "%2b", "&#43;", "&#x2b;", "&plus;", `\u002b`, `\x2b`}
	for _, plus := range pluses {
		for _, at := range ats {
			add(strings.ReplaceAll(strings.ReplaceAll(lower, "+", plus), "@", at), "the address with "+at+" and "+plus)
		}
		add(strings.ReplaceAll(local, "+", plus), "its local part with "+plus)
	}
	add(strings.ToLower(url.QueryEscape(email)), "query-escaped")
	for _, e := range []string{lower, email} {
		m, s1, s2 := md5.Sum([]byte(e)), sha1.Sum([]byte(e)), sha256.Sum256([]byte(e))
		add(hex.EncodeToString(m[:]), "MD5 of "+e)
		add(hex.EncodeToString(s1[:]), "SHA-1 of "+e)
		add(hex.EncodeToString(s2[:]), "SHA-256 of "+e)
	}
	return out
}

// crawlResult is what a crawl fetched and found, by request URI.
type crawlResult struct {
	site    *url.URL
	visited []string
	status  map[string]int
	bodies  map[string][]byte
	leaks   []string
	bytes   int
}

// key is the request URI the crawl fetches for ref (relative to base, or
// the site), or "" for an address it does not fetch: another host, the
// newsroom's pages, the comment form's target (POST only).
func (c *crawlResult) key(ref string) string { return c.keyFrom(c.site, ref) }

func (c *crawlResult) keyFrom(base *url.URL, ref string) string {
	u, err := base.Parse(strings.TrimSpace(html.UnescapeString(ref)))
	if err != nil || u.Host != c.site.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	path := u.RequestURI()
	if strings.HasPrefix(path, "/admin") || path == "/comments" {
		return ""
	}
	return path
}

// contains lists the fetched paths whose body contains s.
func (c *crawlResult) contains(s string) []string {
	var out []string
	for _, p := range c.visited {
		if bytes.Contains(c.bodies[p], []byte(s)) {
			out = append(out, p)
		}
	}
	return out
}

var (
	linkAttr = regexp.MustCompile(`(?i)\b(?:href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	absURL   = regexp.MustCompile(`https?://[^\s"'<>\\]+`)
	cssURL   = regexp.MustCompile(`url\(([^)]+)\)`)
)

// leaksIn reports each needle found in a response's status line, headers
// or body, with what surrounds it.
func leaksIn(path string, resp *http.Response, body []byte, needles []needle) []string {
	var all bytes.Buffer
	all.WriteString(resp.Status + "\n")
	for k, vs := range resp.Header {
		for _, v := range vs {
			all.WriteString(k + ": " + v + "\n")
		}
	}
	all.Write(body)
	hay := bytes.ToLower(all.Bytes())
	var out []string
	for _, n := range needles {
		if i := bytes.Index(hay, []byte(n.text)); i >= 0 {
			shown, err := url.PathUnescape(path)
			if err != nil {
				shown = path
			}
			out = append(out, fmt.Sprintf("%s holds %s (%s) as %q: …%s…", shown, n.email, n.form, n.text,
				strings.ToValidUTF8(string(hay[max(0, i-80):min(len(hay), i+len(n.text)+80)]), "")))
		}
	}
	return out
}

// crawlSite fetches seeds and, breadth first, every address on this site
// they link to (attributes in HTML, any absolute URL in feeds, sitemaps and
// JSON, redirects' Location), as an anonymous visitor, up to limit
// addresses, and reports each needle found in a status line, header or
// body.
func crawlSite(t *testing.T, s *testSite, seeds []string, limit int, needles []needle) *crawlResult {
	t.Helper()
	site, _ := url.Parse(s.URL)
	res := &crawlResult{site: site, status: map[string]int{}, bodies: map[string][]byte{}}
	queued := map[string]bool{}
	var queue []string
	add := func(base *url.URL, ref string) {
		path := res.keyFrom(base, ref)
		if path != "" && !queued[path] {
			queued[path] = true
			queue = append(queue, path)
		}
	}
	for _, seed := range seeds {
		add(site, seed)
	}
	for len(queue) > 0 && len(res.visited) < limit {
		path := queue[0]
		queue = queue[1:]
		resp, err := client.Get(s.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		res.visited = append(res.visited, path)
		res.status[path] = resp.StatusCode
		res.bodies[path] = body
		res.bytes += len(body)
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}

		res.leaks = append(res.leaks, leaksIn(path, resp, body, needles)...)

		base, _ := url.Parse(s.URL + path)
		if loc := resp.Header.Get("Location"); loc != "" {
			add(base, loc)
		}
		ctype := resp.Header.Get("Content-Type")
		if !strings.HasPrefix(ctype, "text/") && !strings.Contains(ctype, "xml") && !strings.Contains(ctype, "json") {
			continue // images and fonts link nowhere
		}
		for _, m := range linkAttr.FindAllSubmatch(body, -1) {
			add(base, string(m[1])+string(m[2]))
		}
		for _, m := range cssURL.FindAllSubmatch(body, -1) {
			add(base, strings.Trim(string(m[1]), `"'`))
		}
		for _, m := range absURL.FindAll(body, -1) {
			add(base, strings.TrimRight(string(m), ".,;)"))
		}
	}
	return res
}
