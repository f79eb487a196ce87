package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/jobs"
	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// Two 'nashra serve' processes on one PostgreSQL database: a change committed
// by any node reaches the other's page cache through LISTEN/NOTIFY, so
// neither serves a stale page for longer than a second.
func TestTwoNodesOnPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	a := serve(t, "--demo", "--db", dsn, "--data", t.TempDir())
	b := serve(t, "--db", dsn, "--data", t.TempDir())

	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs := content.New(db, time.Now)
	posts, err := cs.List(ctx, content.Filter{Limit: 1, WithBody: true})
	if err != nil || len(posts) == 0 {
		t.Fatalf("demo posts: %v", err)
	}
	p, err := cs.PostByID(ctx, posts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	article := "/" + url.PathEscape(p.Slug) + "/"
	for _, n := range []*node{a, b} { // warm both caches
		for range 2 {
			if code, body := get(t, n.URL+article); code != 200 || !strings.Contains(body, p.Title) {
				t.Fatalf("%s: %d", n.URL, code)
			}
		}
	}

	// An edit written through node A's database connection pool...
	in := content.PostInput{Title: p.Title + " — تحديث عاجل", Slug: p.Slug, Standfirst: p.Standfirst, BodyMD: p.BodyMD,
		Status: p.Status, Lang: p.Lang, PublishedAt: p.PublishedAt, Source: p.Source}
	for _, au := range p.Authors {
		in.AuthorIDs = append(in.AuthorIDs, au.ID)
	}
	for _, c := range p.Categories {
		in.CategoryIDs = append(in.CategoryIDs, c.ID)
	}
	start := time.Now()
	if _, err := cs.UpdatePost(ctx, p.ID, in); err != nil {
		t.Fatal(err)
	}
	waitFor(t, start, []*node{a, b}, article, "تحديث عاجل")

	// ...and a new post published.
	start = time.Now()
	if _, err := cs.CreatePost(ctx, content.PostInput{Title: "خبر عاجل من العقدة الأولى", Slug: "breaking-node", Status: content.Published,
		BodyMD: "نص الخبر."}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, start, []*node{a, b}, "/", "خبر عاجل من العقدة الأولى")
	waitFor(t, start, []*node{a, b}, "/feed/", "خبر عاجل من العقدة الأولى")
}

// Two nodes without the page cache still keep some things in memory (the
// related-posts index, the navigation rendered once): a change committed
// through one reaches the other through the same notices, within a second.
func TestTwoUncachedNodesOnPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	a := serve(t, "--demo", "--cache-mb", "0", "--db", dsn, "--data", t.TempDir())
	b := serve(t, "--cache-mb", "0", "--db", dsn, "--data", t.TempDir())

	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs := content.New(db, time.Now)
	posts, err := cs.List(ctx, content.Filter{Limit: 20, Lang: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	var p *content.Post
	for i := range posts {
		full, err := cs.PostByID(ctx, posts[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Tags) > 0 && len(full.Categories) > 0 {
			p = full
			break
		}
	}
	if p == nil {
		t.Fatal("no demo post with a tag and a section")
	}
	article := "/" + url.PathEscape(p.Slug) + "/"
	for _, n := range []*node{a, b} { // fill what each node keeps
		for range 2 {
			if code, body := get(t, n.URL+article); code != 200 || strings.Contains(body, "خبر مرتبط من العقدة الأولى") {
				t.Fatalf("%s: %d", n.URL, code)
			}
		}
	}

	start := time.Now()
	if _, err := cs.CreatePost(ctx, content.PostInput{Title: "خبر مرتبط من العقدة الأولى", Slug: "related-node", Status: content.Published,
		Lang: "ar", BodyMD: "نص الخبر.", TagNames: []string{p.Tags[0].Name}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, start, []*node{a, b}, article, "خبر مرتبط من العقدة الأولى")

	c := p.Category()
	start = time.Now()
	if _, err := cs.UpdateCategory(ctx, c.ID, content.CategoryInput{Name: c.Name + " الجديد", Slug: c.Slug,
		Description: c.Description, ParentID: c.ParentID, Position: c.Position}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, start, []*node{a, b}, article, c.Name+" الجديد")
}

// waitFor polls path on every node until its body contains want, and fails
// if any node takes more than a second from start.
func waitFor(t *testing.T, start time.Time, nodes []*node, path, want string) {
	t.Helper()
	for i, n := range nodes {
		for {
			code, body := get(t, n.URL+path)
			if code == 200 && strings.Contains(body, want) {
				t.Logf("node %d shows %q at %s after %v", i+1, want, path, time.Since(start).Round(time.Millisecond))
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("node %d still serves a stale %s %v after the change", i+1, path, time.Since(start))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// A post scheduled a few seconds ahead goes live on both nodes, and is
// published by exactly one of them.
func TestTwoNodesPublishAScheduledPostOnce(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	a := serve(t, "--db", dsn, "--data", t.TempDir())
	b := serve(t, "--db", dsn, "--data", t.TempDir())

	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q, err := jobs.Open(ctx, db, jobs.Options{}) // insert-only: the nodes do the work
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	cs := content.New(db, time.Now)
	cs.SetQueue(q)
	at := time.Now().Add(2 * time.Second)
	p, err := cs.CreatePost(ctx, content.PostInput{Title: "خبر مجدول على عقدتين", Slug: "two-node-schedule", Status: content.Scheduled,
		PublishedAt: at, BodyMD: "نص."})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{a, b} {
		if code, _ := get(t, n.URL+"/two-node-schedule/"); code != 404 {
			t.Fatalf("visible before its time: %d", code)
		}
	}
	deadline := at.Add(15 * time.Second)
	for _, n := range []*node{a, b} {
		for {
			if code, _ := get(t, n.URL+"/two-node-schedule/"); code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not live on %s %v after its time", n.URL, time.Since(at))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	t.Logf("live on both nodes %v after its time", time.Since(at).Round(100*time.Millisecond))
	time.Sleep(2 * time.Second) // let a duplicate, if there were one, happen
	line := fmt.Sprintf("post_id=%d", p.ID)
	total := strings.Count(a.Log(), line) + strings.Count(b.Log(), line)
	if total != 1 {
		t.Fatalf("the post was published %d times (want once)\nA:\n%s\nB:\n%s", total, a.Log(), b.Log())
	}
	final, err := cs.PostByID(ctx, p.ID)
	if err != nil || final.Status != content.Published || final.Version != 2 {
		t.Fatalf("final state: %+v %v", final, err)
	}
}
