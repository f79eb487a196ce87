package comments_test

import (
	"context"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/comments"
	"nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

var unsubLink = regexp.MustCompile(regexp.QuoteMeta(baseURL+comments.UnsubscribePath) + `\?token=([A-Za-z0-9_-]+)`)

// noticeOn posts a comment asking for reply notices and approves it.
func (e *env) noticeOn(email, body string, parent int64) *comments.Comment {
	e.t.Helper()
	in := e.input(e.post, "قارئ", email, body)
	in.Notify, in.ParentID = true, parent
	c := e.create(in)
	if c.Status == comments.Pending {
		if _, err := e.svc.ModerateOne(ctx, comments.ActApprove, c.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	return c
}

func oneMessage(t *testing.T, ms []*mail.Message, to string) *mail.Message {
	t.Helper()
	if len(ms) != 1 || len(ms[0].To) != 1 || ms[0].To[0].Address != to {
		var got []string
		for _, m := range ms {
			got = append(got, m.To[0].Address+": "+m.Subject)
		}
		t.Fatalf("want one mail to %s, got %v", to, got)
	}
	return ms[0]
}

func TestReplyNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.MaxDepth = 2; o.EmailLimit = -1 })
		a := e.noticeOn("author@example.com", "رأيي الأول", 0)
		e.mail.take()

		// A held reply mails nobody; its approval mails the author once.
		in := e.input(e.post, "ردّاد", "replier@example.com", "أخالفك **الرأي**")
		in.ParentID = a.ID
		b := e.create(in)
		if b.Status != comments.Pending || len(e.mail.take()) != 0 {
			t.Fatal("a held reply sent mail")
		}
		if _, err := e.svc.ModerateOne(ctx, comments.ActApprove, b.ID); err != nil {
			t.Fatal(err)
		}
		m := oneMessage(t, e.mail.take(), "author@example.com")
		link := baseURL + "/" // the default permalink: /slug/#comment-ID
		if !strings.Contains(m.Subject, "ردّاد") || !strings.Contains(m.Text, "أخالفك **الرأي**") ||
			!regexp.MustCompile(regexp.QuoteMeta(link)+`post-[0-9-]+/#comment-`+strconv.FormatInt(b.ID, 10)).MatchString(m.Text) {
			t.Fatalf("notice:\n%s\n%s", m.Subject, m.Text)
		}
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "replier@example.com") || strings.Contains(m.HTML, "replier@example.com") {
			t.Fatal("the notice reveals the replier's address")
		}
		tok := unsubLink.FindStringSubmatch(m.Text)
		if tok == nil || m.Headers["List-Unsubscribe"] != "<"+tok[0]+">" || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" ||
			!strings.Contains(m.HTML, tok[0]) {
			t.Fatalf("unsubscribe link: %v %v", tok, m.Headers)
		}
		// Approving it again sends nothing more.
		for _, act := range []comments.Action{comments.ActUnapprove, comments.ActApprove, comments.ActTrash, comments.ActRestore} {
			if _, err := e.svc.ModerateOne(ctx, act, b.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ms := e.mail.take(); len(ms) != 0 {
			t.Fatalf("re-approval mailed %d", len(ms))
		}

		// Never to yourself.
		e.noticeOn("author@example.com", "أرد على نفسي", a.ID)
		if ms := e.mail.take(); len(ms) != 0 {
			t.Fatal("the author was told of their own reply")
		}
		// Not to those who did not ask.
		quiet := e.approved("quiet@example.com", "لا أريد رسائل", 0)
		e.approved("replier@example.com", "رد على الصامت", quiet.ID)
		if ms := e.mail.take(); len(ms) != 0 {
			t.Fatal("mailed someone who did not ask")
		}
		// A reply that went up a level still mails the one it answers.
		d := e.noticeOn("deep@example.com", "رد في المستوى الثاني", a.ID)
		e.mail.take() // a's author hears of d
		capped := e.approved("replier@example.com", "رد على العميق", d.ID)
		if capped.ParentID != a.ID || capped.ReplyToID != d.ID {
			t.Fatalf("capped: parent %d reply-to %d", capped.ParentID, capped.ReplyToID)
		}
		oneMessage(t, e.mail.take(), "deep@example.com")

		// Unsubscribing: the link is checked, tampering refused.
		info, err := e.svc.CheckUnsubscribe(ctx, tok[1])
		if err != nil || info.CommentID != a.ID || info.PostTitle != "خبر اليوم" {
			t.Fatalf("check: %+v %v", info, err)
		}
		raw64, _ := base64.RawURLEncoding.DecodeString(tok[1])
		for _, bad := range []string{
			"", "garbage", tok[1][:len(tok[1])-1], flip(tok[1], len(tok[1])-3), flip(tok[1], 2),
			base64.RawURLEncoding.EncodeToString(append(idBytes(b.ID), raw64[8:]...)), // another comment, same MAC
		} {
			if _, err := e.svc.CheckUnsubscribe(ctx, bad); err != comments.ErrBadUnsubscribe {
				t.Errorf("CheckUnsubscribe(%q) = %v", bad, err)
			}
			if _, err := e.svc.Unsubscribe(ctx, bad); err != comments.ErrBadUnsubscribe {
				t.Errorf("Unsubscribe(%q) = %v", bad, err)
			}
		}
		if n := e.count("author_email = ? AND notify = ?", "author@example.com", true); n != 2 {
			t.Fatalf("a tampered link changed something: %d comments still notify", n)
		}
		n, err := e.svc.Unsubscribe(ctx, tok[1])
		if err != nil || n != 2 {
			t.Fatalf("unsubscribe: %d %v", n, err)
		}
		if n, err := e.svc.Unsubscribe(ctx, tok[1]); err != nil || n != 0 {
			t.Fatalf("second use: %d %v", n, err)
		}
		e.approved("replier@example.com", "بعد إلغاء الاشتراك", a.ID)
		if ms := e.mail.take(); len(ms) != 0 {
			t.Fatal("mailed after unsubscribing")
		}
		// Ticking the box again on a new comment asks again.
		again := e.noticeOn("author@example.com", "اشتراك جديد", 0)
		e.approved("replier@example.com", "رد جديد", again.ID)
		oneMessage(t, e.mail.take(), "author@example.com")
	})
}

func TestModeratorNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, func(o *comments.Options) { o.Moderators = nil })
		e.newUser("owner@example.com", staff.Owner)
		e.newUser("editor@example.com", staff.Editor)
		e.newUser("writer@example.com", staff.Author)
		e.newUser("helper@example.com", staff.Contributor)
		in := e.input(e.post, "زائرة", "visitor@example.com", "تعليق ينتظر")
		in.URL = "https://visitor.example"
		c := e.create(in)
		if c.Status != comments.Pending {
			t.Fatalf("status %s", c.Status)
		}
		ms := e.mail.take()
		var to []string
		for _, m := range ms {
			if len(m.To) != 1 {
				t.Fatalf("one mail to several moderators: %v", m.To)
			}
			to = append(to, m.To[0].Address)
			if !strings.Contains(m.Text, "visitor@example.com") || !strings.Contains(m.Text, "تعليق ينتظر") ||
				!strings.Contains(m.Text, baseURL+"/admin/comments?status=pending") || !strings.Contains(m.Text, "first comment") {
				t.Fatalf("moderator notice:\n%s", m.Text)
			}
		}
		slices.Sort(to)
		if !slices.Equal(to, []string{"editor@example.com", "owner@example.com"}) {
			t.Fatalf("moderator notices went to %v", to)
		}
		// Approved and spam comments mail no moderator.
		if _, err := e.svc.ModerateOne(ctx, comments.ActApprove, c.ID); err != nil {
			t.Fatal(err)
		}
		e.comment("visitor@example.com", "مقبول الآن", 0)
		if _, err := e.svc.AddBlock(ctx, comments.BlockWord, "spamword", comments.EffectSpam); err != nil {
			t.Fatal(err)
		}
		e.comment("visitor@example.com", "spamword", 0)
		if ms := e.mail.take(); len(ms) != 0 {
			t.Fatalf("%d moderator mails for approved or spam comments", len(ms))
		}
		// The recipients can be given.
		given := newEnv(t, db, func(o *comments.Options) {
			o.Moderators = func(context.Context) ([]comments.Recipient, error) {
				return []comments.Recipient{{Name: "Desk", Email: "desk@example.com"}}, nil
			}
			o.Lang = "en"
		})
		given.comment("new@example.com", "held", 0)
		m := oneMessage(t, given.mail.take(), "desk@example.com")
		if !strings.Contains(m.Subject, "awaits moderation") {
			t.Fatalf("English subject: %q", m.Subject)
		}
	})
}

// flip changes the character at i of a base64url token to another one.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func idBytes(id int64) []byte {
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = byte(id)
		id >>= 8
	}
	return b
}
