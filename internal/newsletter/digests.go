package newsletter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/store"
)

// maxDigestPosts bounds a digest: a reader skims a dozen headlines, not a
// hundred.
const maxDigestPosts = 20

// digestPosts are the posts a digest of [from, to) carries, newest first:
// those emailed to the newsletter in the period (so a daily reader of
// "Breaking news" gets the same stories as those who take each one), or,
// for a newsletter that includes all, every post published in it.
func (e *Engine) digestPosts(ctx context.Context, nl Newsletter, from, to time.Time) ([]content.Post, error) {
	if nl.IncludeAll {
		return e.opt.Posts.List(ctx, content.Filter{From: from, To: to, Limit: maxDigestPosts})
	}
	ids, err := store.Int64s(e.db.Query(ctx, `SELECT post_id FROM sends WHERE newsletter_id = ? AND kind = 'post'
		AND post_id IS NOT NULL AND status <> 'cancelled' AND created_at >= ? AND created_at < ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, nl.ID, from, to, maxDigestPosts))
	if err != nil {
		return nil, err
	}
	posts := make([]content.Post, 0, len(ids))
	for _, id := range ids {
		p, err := e.opt.Posts.PostByID(ctx, id)
		if errors.Is(err, content.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if p.Status == content.Published { // unpublished since it was sent: not in the digest
			posts = append(posts, *p)
		}
	}
	return posts, nil
}

// DigestSlot is the latest time at or before now when a digest of the
// cadence is due: the newsletter's hour, in loc, every day (daily) or on
// its weekday (weekly).
func DigestSlot(now time.Time, loc *time.Location, c Cadence, hour, weekday int) time.Time {
	t := now.In(loc)
	slot := time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, loc)
	if slot.After(t) {
		slot = time.Date(t.Year(), t.Month(), t.Day()-1, hour, 0, 0, 0, loc)
	}
	if c == CadenceWeekly {
		back := (int(slot.Weekday()) - weekday + 7) % 7
		slot = time.Date(slot.Year(), slot.Month(), slot.Day()-back, hour, 0, 0, 0, loc)
	}
	return slot
}

// ScheduleDigests creates the digests that are due at now and not yet made:
// for each active newsletter, a daily one for the members who chose daily,
// a weekly one for those who chose weekly, each covering the period that
// ends at its slot. The digest's key (cadence and the slot's date) makes
// each one once, whichever node or run gets there first; a slot more than
// an hour past is left alone (a node that was down a day does not mail
// yesterday's digest late). Digests with no posts, or nobody to take them,
// are skipped. It returns the sends it created.
func (e *Engine) ScheduleDigests(ctx context.Context, now time.Time) ([]*Send, error) {
	ids, err := store.Int64s(e.db.Query(ctx, "SELECT id FROM newsletters WHERE active ORDER BY id"))
	if err != nil {
		return nil, err
	}
	loc := e.opt.Location(ctx)
	var made []*Send
	for _, id := range ids {
		nl, err := e.newsletter(ctx, id)
		if err != nil {
			return made, err
		}
		for _, c := range []Cadence{CadenceDaily, CadenceWeekly} {
			slot := DigestSlot(now, loc, c, nl.DigestHour, nl.DigestWeekday)
			if now.Sub(slot) > time.Hour {
				continue
			}
			key := fmt.Sprintf("%s:%s", c, slot.Format("2006-01-02"))
			var n int
			if err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM sends WHERE newsletter_id = ? AND digest_key = ?",
				nl.ID, key).Scan(&n); err != nil {
				return made, err
			}
			if n > 0 {
				continue
			}
			s, err := e.CreateSend(ctx, SendInput{NewsletterID: nl.ID, Kind: KindDigest, Cadence: c,
				PeriodFrom: slot.Add(-c.period()), PeriodTo: slot, DigestKey: key, Subject: e.digestSubject(nl, c, slot)})
			switch {
			case errors.Is(err, ErrNothingNew), errors.Is(err, ErrNoRecipients), errors.Is(err, ErrAlreadySent):
				continue
			case err != nil:
				return made, fmt.Errorf("digest %s of %s: %w", key, nl.Slug, err)
			}
			made = append(made, s)
		}
	}
	return made, nil
}

// digestSubject names a scheduled digest: the newsletter and the slot's
// date, in the newsletter's name's script.
func (e *Engine) digestSubject(nl Newsletter, c Cadence, slot time.Time) string {
	lb := labelsFor(nl.Name)
	name := lb.Daily
	if c == CadenceWeekly {
		name = lb.Weekly
	}
	return fmt.Sprintf("%s — %s %s", nl.Name, name, lb.date(slot))
}

// DigestArgs is the periodic job that makes due digests.
type DigestArgs struct{}

// Kind names the job.
func (DigestArgs) Kind() string { return "newsletter.digests" }

// DigestWorker works DigestArgs.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	Engine *Engine
}

// Work creates the due digests; their sends are enqueued as they are made.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	made, err := w.Engine.ScheduleDigests(ctx, w.Engine.clock())
	for _, s := range made {
		w.Engine.log.Info("digest scheduled", "send_id", s.ID, "key", s.DigestKey, "recipients", s.Total)
	}
	return err
}

// PeriodicDigests is the digests' schedule for internal/app: every five
// minutes and at start, well inside the hour a slot stays open.
func PeriodicDigests() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(5*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
