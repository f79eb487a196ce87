package newsletter

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	nmail "nashra.dev/nashra/internal/mail"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// recorder is a transport that keeps each message's subject and text part
// by recipient, decoded as a mail client would.
type recorder struct {
	mu   sync.Mutex
	got  map[string][]letterSeen
	fail error
}

type letterSeen struct{ Subject, Text string }

func newRecorder() *recorder { return &recorder{got: map[string][]letterSeen{}} }

func (r *recorder) Send(ctx context.Context, m *nmail.Message) error {
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	var to []string
	for _, a := range m.To {
		to = append(to, a.Address)
	}
	return r.SendRaw(ctx, m.From.Address, to, raw)
}

func (r *recorder) SendRaw(_ context.Context, _ string, to []string, raw []byte) error {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var text string
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			text = string(b)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range to {
		r.got[a] = append(r.got[a], letterSeen{subject, text})
	}
	return nil
}

func (r *recorder) take() map[string][]letterSeen {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = map[string][]letterSeen{}
	return got
}

// movingClock is a clock the test sets.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movingClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func TestDigestSlot(t *testing.T) {
	riyadh := time.FixedZone("AST", 3*3600)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, c := range []struct {
		now     time.Time
		loc     *time.Location
		cadence Cadence
		hour    int
		weekday int
		want    time.Time
	}{
		{time.Date(2026, 11, 27, 4, 30, 0, 0, time.UTC), riyadh, CadenceDaily, 7, 0, time.Date(2026, 11, 27, 7, 0, 0, 0, riyadh)},
		{time.Date(2026, 11, 27, 3, 59, 0, 0, time.UTC), riyadh, CadenceDaily, 7, 0, time.Date(2026, 11, 26, 7, 0, 0, 0, riyadh)},
		// 27 November 2026 is a Friday; weekly on Saturday (6) at 7.
		{time.Date(2026, 11, 27, 4, 30, 0, 0, time.UTC), riyadh, CadenceWeekly, 7, 6, time.Date(2026, 11, 21, 7, 0, 0, 0, riyadh)},
		{time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC), riyadh, CadenceWeekly, 7, 6, time.Date(2026, 11, 28, 7, 0, 0, 0, riyadh)},
		{time.Date(2026, 11, 28, 3, 59, 59, 0, time.UTC), riyadh, CadenceWeekly, 7, 6, time.Date(2026, 11, 21, 7, 0, 0, 0, riyadh)},
		{time.Date(2026, 11, 27, 4, 30, 0, 0, time.UTC), riyadh, CadenceWeekly, 7, 5, time.Date(2026, 11, 27, 7, 0, 0, 0, riyadh)},
		// The day clocks go back in New York (1 November 2026): still 07:00 local.
		{time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC), ny, CadenceDaily, 7, 0, time.Date(2026, 11, 1, 7, 0, 0, 0, ny)},
	} {
		got := DigestSlot(c.now, c.loc, c.cadence, c.hour, c.weekday)
		if !got.Equal(c.want) {
			t.Errorf("DigestSlot(%s, %s, %s, %d, %d) = %s, want %s", c.now, c.loc, c.cadence, c.hour, c.weekday, got, c.want)
		}
	}
}

// TestScheduledDigests: each member gets the posts emailed to the
// newsletter at the frequency they chose, once, whichever node schedules.
func TestScheduledDigests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		riyadh := time.FixedZone("AST", 3*3600)
		clock := &movingClock{t: time.Date(2037, 11, 26, 10, 0, 0, 0, time.UTC)} // Thursday
		s := seed(t, db, 6)
		mustExec(t, db, "UPDATE members SET frequency = 'daily' WHERE email IN (?, ?)", email(1), email(2))
		mustExec(t, db, "UPDATE members SET frequency = 'weekly' WHERE email = ?", email(3))
		mustExec(t, db, "UPDATE newsletters SET digest_hour = 7, digest_weekday = 6 WHERE id = ?", s.newsletter)
		cs := content.New(db, clock.now)
		other, err := cs.CreatePost(ctx, content.PostInput{Title: "خبر لم يُرسل بالبريد", BodyMD: "نص.",
			Status: content.Published, Lang: "ar", PublishedAt: clock.now().Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}

		rec := newRecorder()
		opt := testOptions("node-a")
		opt.Location = func(context.Context) *time.Location { return riyadh }
		opt.Posts = cs
		e, err := New(db, rec, clock.now, opt)
		if err != nil {
			t.Fatal(err)
		}
		optB := opt
		optB.NodeID = "node-b"
		eb, err := New(db, rec, clock.now, optB)
		if err != nil {
			t.Fatal(err)
		}

		// Thursday: the post is emailed to those who want every post.
		send, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, PostID: s.post.ID})
		if err != nil {
			t.Fatal(err)
		}
		if send.Total != 3 || send.Cadence != CadenceEvery {
			t.Fatalf("post send: %d recipients, cadence %s; want 3, every", send.Total, send.Cadence)
		}
		if err := e.RunSend(ctx, send.ID); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, counts(rec.take()), []string{email(4), email(5), email(6)})

		// Friday 07:30 in Riyadh: the daily digest, once, from either node.
		clock.set(time.Date(2037, 11, 27, 4, 30, 0, 0, time.UTC))
		made, err := e.ScheduleDigests(ctx, clock.now())
		if err != nil || len(made) != 1 {
			t.Fatalf("ScheduleDigests = %d sends, %v; want 1", len(made), err)
		}
		d := made[0]
		if d.Cadence != CadenceDaily || d.DigestKey != "daily:2037-11-27" || d.Total != 2 ||
			!d.PeriodTo.Equal(time.Date(2037, 11, 27, 4, 0, 0, 0, time.UTC)) || !d.PeriodFrom.Equal(d.PeriodTo.Add(-24*time.Hour)) {
			t.Fatalf("daily digest: %+v", d)
		}
		for _, eng := range []*Engine{e, eb} {
			if again, err := eng.ScheduleDigests(ctx, clock.now().Add(20*time.Minute)); err != nil || len(again) != 0 {
				t.Fatalf("second run made %d digests, %v", len(again), err)
			}
		}
		if err := eb.RunSend(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		got := rec.take()
		checkExactlyOnce(t, counts(got), []string{email(1), email(2)})
		l := got[email(1)][0]
		if !strings.Contains(l.Subject, "عاجل") || !strings.Contains(l.Subject, "موجز اليوم") ||
			!strings.Contains(l.Text, s.post.Title) || strings.Contains(l.Text, other.Title) {
			t.Fatalf("daily digest letter: subject %q\n%s", l.Subject, l.Text)
		}

		// A slot more than an hour past is not mailed late.
		clock.set(time.Date(2037, 11, 27, 6, 0, 0, 0, time.UTC))
		if late, err := e.ScheduleDigests(ctx, clock.now()); err != nil || len(late) != 0 {
			t.Fatalf("late run made %d digests, %v", len(late), err)
		}

		// Saturday 07:10: no daily (nothing was emailed on Friday); the weekly one.
		clock.set(time.Date(2037, 11, 28, 4, 10, 0, 0, time.UTC))
		made, err = e.ScheduleDigests(ctx, clock.now())
		if err != nil || len(made) != 1 || made[0].Cadence != CadenceWeekly || made[0].Total != 1 {
			t.Fatalf("Saturday: %+v, %v; want one weekly digest to one member", made, err)
		}
		if err := e.RunSend(ctx, made[0].ID); err != nil {
			t.Fatal(err)
		}
		got = rec.take()
		checkExactlyOnce(t, counts(got), []string{email(3)})
		if l := got[email(3)][0]; !strings.Contains(l.Subject, "موجز الأسبوع") || !strings.Contains(l.Text, s.post.Title) {
			t.Fatalf("weekly digest letter: %q\n%s", l.Subject, l.Text)
		}

		// A newsletter that includes all: Saturday's post, never emailed, is in Sunday's digest.
		mustExec(t, db, "UPDATE newsletters SET include_all = TRUE WHERE id = ?", s.newsletter)
		sat, err := cs.CreatePost(ctx, content.PostInput{Title: "خبر السبت", BodyMD: "نص.", Status: content.Published,
			Lang: "ar", PublishedAt: time.Date(2037, 11, 28, 12, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		clock.set(time.Date(2037, 11, 29, 4, 5, 0, 0, time.UTC))
		made, err = e.ScheduleDigests(ctx, clock.now())
		if err != nil || len(made) != 1 {
			t.Fatalf("Sunday: %d digests, %v", len(made), err)
		}
		if err := e.RunSend(ctx, made[0].ID); err != nil {
			t.Fatal(err)
		}
		got = rec.take()
		checkExactlyOnce(t, counts(got), []string{email(1), email(2)})
		if l := got[email(2)][0]; !strings.Contains(l.Text, sat.Title) || strings.Contains(l.Text, s.post.Title) {
			t.Fatalf("include-all digest:\n%s", l.Text)
		}

		// Asked by hand: a digest nobody takes, or with nothing in it, records nothing.
		before := count(t, db, "SELECT COUNT(*) FROM sends")
		mustExec(t, db, "UPDATE members SET frequency = 'every'")
		if _, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, Kind: KindDigest}); !errors.Is(err, ErrNoRecipients) {
			t.Fatalf("digest to nobody: %v", err)
		}
		if _, err := e.CreateSend(ctx, SendInput{NewsletterID: s.newsletter, Kind: KindDigest,
			PeriodFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), PeriodTo: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, ErrNothingNew) {
			t.Fatalf("empty digest: %v", err)
		}
		for _, bad := range []SendInput{
			{NewsletterID: s.newsletter, Kind: KindDigest, Cadence: CadenceEvery},
			{NewsletterID: s.newsletter, PostID: s.post.ID, Cadence: CadenceDaily},
			{NewsletterID: s.newsletter, Kind: KindDigest, PeriodFrom: clock.now(), PeriodTo: clock.now().Add(-time.Hour)},
		} {
			if _, err := e.CreateSend(ctx, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("CreateSend(%+v) = %v, want ErrInvalid", bad, err)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM sends"); n != before {
			t.Fatalf("refused digests recorded %d sends", n-before)
		}
	})
}

// TestEmailOnPublish: a scheduled post the editor asked to email is sent
// when it goes live, once.
func TestEmailOnPublish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &movingClock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
		s := seed(t, db, 4)
		cs := content.New(db, clock.now)
		rec := newRecorder()
		opt := testOptions("node-a")
		opt.Posts = cs
		e, err := New(db, rec, clock.now, opt)
		if err != nil {
			t.Fatal(err)
		}
		p, err := cs.CreatePost(ctx, content.PostInput{Title: "خبر مجدول", BodyMD: "نص.", Status: content.Scheduled,
			Lang: "ar", PublishedAt: clock.now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SetPublishEmails(ctx, p.ID, []int64{s.newsletter, s.newsletter}, 0); err != nil {
			t.Fatal(err)
		}
		if err := e.SetPublishEmails(ctx, p.ID, []int64{999}, 0); !errors.Is(err, ErrInvalid) {
			t.Fatalf("unknown newsletter: %v", err)
		}
		if ids, err := e.PublishEmails(ctx, p.ID); err != nil || len(ids) != 1 || ids[0] != s.newsletter {
			t.Fatalf("PublishEmails = %v, %v (a refused change must keep the choice)", ids, err)
		}
		if made, err := e.SendOnPublish(ctx, p.ID); err != nil || len(made) != 0 {
			t.Fatalf("before publishing: %d sends, %v", len(made), err)
		}

		clock.set(clock.now().Add(2 * time.Hour))
		if ok, err := cs.PublishDue(ctx, p.ID, nil); err != nil || !ok {
			t.Fatalf("PublishDue = %v, %v", ok, err)
		}
		// The sweep (another node, say) and the publishing node both try.
		if err := e.SendDueEmails(ctx); err != nil {
			t.Fatal(err)
		}
		if made, err := e.SendOnPublish(ctx, p.ID); err != nil || len(made) != 0 {
			t.Fatalf("after the sweep: %d more sends, %v", len(made), err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM sends WHERE post_id = ?", p.ID); n != 1 {
			t.Fatalf("%d sends for the post", n)
		}
		if ids, _ := e.PublishEmails(ctx, p.ID); len(ids) != 0 {
			t.Fatalf("the wish stays after the send: %v", ids)
		}
		var id int64
		if err := db.QueryRow(ctx, "SELECT id FROM sends WHERE post_id = ?", p.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := e.RunSend(ctx, id); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, counts(rec.take()), s.emails)

		// A wish for a post already sent to that newsletter is dropped, not sent again.
		if err := e.SetPublishEmails(ctx, p.ID, []int64{s.newsletter}, 0); err != nil {
			t.Fatal(err)
		}
		if made, err := e.SendOnPublish(ctx, p.ID); err != nil || len(made) != 0 {
			t.Fatalf("re-sent: %d, %v", len(made), err)
		}
		if ids, _ := e.PublishEmails(ctx, p.ID); len(ids) != 0 {
			t.Fatalf("the wish stays: %v", ids)
		}
	})
}

func counts(got map[string][]letterSeen) map[string]int {
	out := map[string]int{}
	for k, v := range got {
		out[k] = len(v)
	}
	return out
}
