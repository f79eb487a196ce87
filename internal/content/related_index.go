package content

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"nashra.dev/nashra/internal/store"
)

// RelatedIndex answers Related from memory, with the same answers: Related
// reads a few hundred candidate rows per article (each tag's newest posts,
// then each candidate's row to rank it), which costs more than anything else
// on an uncached article page, although those rows change only when posts
// do. The index keeps, per tag, the newest post IDs Related would read; per
// category, its newest live posts; and for each of them the fields that
// decide whether and where it ranks. Only the winners are read from the
// database.
//
// An index holds what it read: it is never updated, only dropped. Make a new
// one on every change notice (the public site keeps one in the state it
// reloads on each notice), so that no answer outlives a change. A post that
// goes live merely because its time came is noticed: the category window
// records when its next post comes due, and the liveness of every candidate
// is judged at the time of the question.
type RelatedIndex struct {
	s *Service

	mu    sync.RWMutex
	tags  map[int64][]int64          // tag → its newest relatedPerTag+1 post IDs, newest first
	cats  map[catWindowKey]catWindow // primary category → its newest live posts
	posts map[int64]relatedMeta      // what ranks a candidate
}

type catWindowKey struct {
	category int64
	n        int // the window holds 2n+1 posts
}

type catWindow struct {
	ids   []int64   // newest live posts of the category (at load time), newest first
	until time.Time // when a post of the category published in the future comes due; zero: none
}

// relatedMeta is what Related's filter and order read of a candidate.
type relatedMeta struct {
	typ       Type
	status    Status
	published time.Time // zero when not set
	lang      string
}

// maxRelatedEntries bounds an index's posts; past it the index starts over
// (it is a cache of the newest posts of the tags being read, not an archive).
const maxRelatedEntries = 50_000

// NewRelatedIndex returns an empty index over s's posts.
func (s *Service) NewRelatedIndex() *RelatedIndex {
	return &RelatedIndex{s: s, tags: map[int64][]int64{}, cats: map[catWindowKey]catWindow{}, posts: map[int64]relatedMeta{}}
}

// Related returns what Service.Related returns for p and n, in the same
// order: up to n live posts in p's language sharing p's tags (more shared
// tags first, then the newest), filled up with the newest of p's primary
// category. p.Tags must be loaded.
func (x *RelatedIndex) Related(ctx context.Context, p *Post, n int) ([]Post, error) {
	if n <= 0 {
		return nil, nil
	}
	now := x.s.Now()
	tags := p.Tags[:min(len(p.Tags), 8)]
	var cands []relatedRank
	for attempt := 0; ; attempt++ {
		if err := x.loadTags(ctx, tags); err != nil {
			return nil, err
		}
		var cat catWindow
		if p.CategoryID != 0 {
			var err error
			if cat, err = x.category(ctx, p.CategoryID, n, now); err != nil {
				return nil, err
			}
		}
		var complete bool
		cands, complete = x.candidates(p, tags, cat, n, now)
		if complete {
			break
		}
		if attempt == 2 {
			// The index keeps being emptied under us (it is at its bound):
			// ask the database.
			return x.s.Related(ctx, p, n)
		}
	}
	cands = topRelated(cands, n)
	if len(cands) == 0 {
		return nil, nil
	}
	ids := make([]any, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	// Read the winners by primary key (a liveness condition in SQL would
	// have SQLite scan the listing index instead), and check again that they
	// are live: the index may be a moment older than the database.
	rows, err := x.s.queryPosts(ctx, "SELECT "+colsNoBody+" FROM posts p WHERE p.id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Post, len(rows))
	for _, r := range rows {
		if r.Type == TypePost && r.Live(now) && !r.PublishedAt.IsZero() {
			byID[r.ID] = r
		}
	}
	out := make([]Post, 0, len(rows))
	for _, c := range cands {
		if r, ok := byID[c.id]; ok {
			out = append(out, r)
		}
	}
	return out, x.s.loadRelations(ctx, out, false)
}

type relatedRank struct {
	id        int64
	shared    int
	published time.Time
}

// before is Related's order: more shared tags, then newer, then higher ID.
func (a relatedRank) before(b relatedRank) bool {
	if a.shared != b.shared {
		return a.shared > b.shared
	}
	if !a.published.Equal(b.published) {
		return a.published.After(b.published)
	}
	return a.id > b.id
}

// topRelated moves the first n of cands in Related's order to its front, in
// that order, and returns them: n is small, the candidates a hundred or more.
func topRelated(cands []relatedRank, n int) []relatedRank {
	k := 0
	for i := range cands {
		c := cands[i]
		j := min(k, n-1)
		if k == n && !c.before(cands[j]) {
			continue
		}
		for ; j > 0 && c.before(cands[j-1]); j-- {
			cands[j] = cands[j-1]
		}
		cands[j] = c
		k = min(k+1, n)
	}
	return cands[:k]
}

// candidates scores the posts of the tags' and the category's windows and
// keeps those p's page may show. It reports false when part of what it needs
// is missing from the index (emptied meanwhile by makeRoom).
func (x *RelatedIndex) candidates(p *Post, tags []Tag, cat catWindow, n int, now time.Time) ([]relatedRank, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	// Every window's IDs, then sorted: a post found k times shares k tags.
	// An ID is kept doubled, plus one when it comes from a tag's window
	// (post IDs are positive and far below 2^62).
	hits := make([]int64, 0, len(tags)*relatedPerTag+2*n)
	for _, t := range tags {
		window, ok := x.tags[t.ID]
		if !ok {
			return nil, false
		}
		taken := 0
		for _, id := range window {
			if id == p.ID {
				continue
			}
			if taken == relatedPerTag {
				break
			}
			hits = append(hits, 2*id+1)
			taken++
		}
	}
	taken := 0
	for _, id := range cat.ids {
		if id == p.ID {
			continue
		}
		if taken == 2*n {
			break
		}
		hits = append(hits, 2*id)
		taken++
	}
	slices.Sort(hits)
	var cands []relatedRank
	for i := 0; i < len(hits); {
		id, shared := hits[i]/2, 0
		for ; i < len(hits) && hits[i]/2 == id; i++ {
			shared += int(hits[i] & 1)
		}
		m, ok := x.posts[id]
		if !ok {
			return nil, false
		}
		if m.typ == TypePost && m.status == Published && !m.published.IsZero() && !m.published.After(now) && m.lang == p.Lang {
			cands = append(cands, relatedRank{id, shared, m.published})
		}
	}
	return cands, true
}

// loadTags reads the windows of the tags not yet in the index, in one query.
func (x *RelatedIndex) loadTags(ctx context.Context, tags []Tag) error {
	x.mu.RLock()
	var missing []int64
	for _, t := range tags {
		if _, ok := x.tags[t.ID]; !ok && !slices.Contains(missing, t.ID) {
			missing = append(missing, t.ID)
		}
	}
	x.mu.RUnlock()
	if len(missing) == 0 {
		return nil
	}
	// relatedPerTag+1 per tag: Related leaves the post asked about out of
	// its own tags' windows before counting.
	parts := make([]string, len(missing))
	args := make([]any, 0, 2*len(missing))
	for i, id := range missing {
		parts[i] = `SELECT * FROM (SELECT pt.tag_id, pt.post_id FROM post_tags pt WHERE pt.tag_id = ?
			ORDER BY pt.post_id DESC LIMIT ?) w` + itoa(i)
		args = append(args, id, relatedPerTag+1)
	}
	q := `SELECT w.tag_id, p.id, p.type, p.status, p.published_at, p.lang FROM (` + strings.Join(parts, " UNION ALL ") +
		`) w CROSS JOIN posts p WHERE p.id = w.post_id ORDER BY w.tag_id, p.id DESC`
	rows, err := x.s.db.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	windows := make(map[int64][]int64, len(missing))
	metas := map[int64]relatedMeta{}
	for rows.Next() {
		var tag, id int64
		var m relatedMeta
		var published sql.NullTime
		if err := rows.Scan(&tag, &id, &m.typ, &m.status, &published, &m.lang); err != nil {
			return err
		}
		if published.Valid {
			m.published = published.Time.UTC()
		}
		windows[tag] = append(windows[tag], id)
		metas[id] = m
	}
	if err := rows.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.makeRoom(len(metas))
	for _, id := range missing {
		x.tags[id] = windows[id] // nil for a tag without posts: known empty
	}
	for id, m := range metas {
		x.posts[id] = m
	}
	return nil
}

// category returns the window of category c for n related posts: its
// newest 2n+1 live posts, read again once a post of it published in the
// future comes due.
func (x *RelatedIndex) category(ctx context.Context, c int64, n int, now time.Time) (catWindow, error) {
	key := catWindowKey{c, n}
	x.mu.RLock()
	w, ok := x.cats[key]
	x.mu.RUnlock()
	if ok && (w.until.IsZero() || now.Before(w.until)) {
		return w, nil
	}
	w = catWindow{}
	rows, err := x.s.db.Query(ctx, `SELECT c.id, c.published_at, c.lang FROM posts c WHERE c.category_id = ?
		AND c.type = 'post' AND c.status = 'published' AND c.published_at <= ? ORDER BY c.published_at DESC LIMIT ?`, c, now, 2*n+1)
	if err != nil {
		return w, err
	}
	defer rows.Close()
	metas := map[int64]relatedMeta{}
	for rows.Next() {
		var id int64
		var published time.Time
		m := relatedMeta{typ: TypePost, status: Published}
		if err := rows.Scan(&id, &published, &m.lang); err != nil {
			return w, err
		}
		m.published = published.UTC()
		w.ids = append(w.ids, id)
		metas[id] = m
	}
	if err := rows.Err(); err != nil {
		return w, err
	}
	rows.Close()
	// (Not MIN(): SQLite would answer text, the column's type being lost.)
	var next time.Time
	err = x.s.db.QueryRow(ctx, `SELECT c.published_at FROM posts c WHERE c.category_id = ?
		AND c.type = 'post' AND c.status = 'published' AND c.published_at > ? ORDER BY c.published_at LIMIT 1`, c, now).Scan(&next)
	switch {
	case err == nil:
		w.until = next.UTC()
	case !errors.Is(err, store.ErrNotFound):
		return w, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.makeRoom(len(metas))
	x.cats[key] = w
	for id, m := range metas {
		x.posts[id] = m
	}
	return w, nil
}

// makeRoom empties the index when adding n posts would pass its bound.
// The caller holds x.mu.
func (x *RelatedIndex) makeRoom(n int) {
	if len(x.posts)+n > maxRelatedEntries {
		clear(x.tags)
		clear(x.cats)
		clear(x.posts)
	}
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
