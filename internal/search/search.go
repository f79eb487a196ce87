package search

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"nashra.dev/nashra/internal/content"
)

// Sort orders results.
type Sort string

const (
	ByRelevance Sort = "relevance" // the default
	ByDate      Sort = "date"      // newest first
)

// Bounds of a search. A search reads the newest window posts that match (by
// post ID, which grows with time, in the index's own order, so reading
// stops there however many posts match); a relevance search ranks the best
// of them: an archive of a hundred thousand posts answers a word found in
// half of them in milliseconds, and the newest matches are the likeliest
// wanted. Counting stops at the window too. Deeper pages than the
// candidates hold are empty.
const (
	window       = 2000 // matching posts a search reads, and counts
	minRerank    = 100  // candidates ranked in Go, at least
	defaultLimit = 20
	maxLimit     = 100
	maxOffset    = 1000
)

// Filter narrows a search. Zero fields do not filter.
type Filter struct {
	Category int64        // posts filed in this category
	From, To time.Time    // published in [From, To)
	Lang     string       // the post's language
	Type     content.Type // posts or pages; "" for both
	// Drafts includes posts that are not live (drafts, scheduled ones):
	// for admin search only. Without it only published posts whose time
	// has come are found.
	Drafts        bool
	Limit, Offset int  // Limit defaults to 20, at most 100; Offset at most 1000
	Sort          Sort // ByRelevance (default) or ByDate
}

// Hit is one post found.
type Hit struct {
	PostID      int64
	Score       float64 // higher is better; comparable within one search only
	PublishedAt time.Time
	// Title and Snippet are HTML: the text escaped, the words that matched
	// wrapped in <mark>. Snippet is a passage of the standfirst and body
	// around the best cluster of matches (the standfirst alone for
	// members-only and paid posts, unless Drafts is set).
	Title, Snippet template.HTML
}

// Results are a page of hits and how many posts match in all.
type Results struct {
	Hits   []Hit
	Total  int
	Capped bool // Total is a lower bound: counting stopped at 2,000
	Query  *Query
}

// SearchText parses text with the index's analyzer and searches. A query
// that cannot be searched gives an error for which errors.Is(err,
// ErrBadQuery) holds, with a reason fit for the user; any other error is
// the store's.
func (x *Index) SearchText(ctx context.Context, text string, f Filter) (*Results, error) {
	q, err := x.an.Query(text)
	if err != nil {
		return nil, err
	}
	return x.Search(ctx, q, f)
}

// Search finds the posts matching q (parsed by Query), a page at a time.
// Both stores read the same window of matches and rank candidates with the
// same Go code, so they return the same hits in the same order for the same
// content whenever the window holds no more than the candidates ranked
// (100, or Offset+Limit); beyond that each store first narrows the window
// to its candidates by its own rank (bm25, ts_rank_cd), which may differ.
func (x *Index) Search(ctx context.Context, q *Query, f Filter) (*Results, error) {
	if q == nil || len(q.Clauses) == 0 {
		return nil, &QueryError{Reason: "the search has no words to look for"}
	}
	if f.Limit <= 0 {
		f.Limit = defaultLimit
	}
	f.Limit = min(f.Limit, maxLimit)
	f.Offset = max(f.Offset, 0)
	res := &Results{Query: q}
	conds, args := x.conditions(f, false)
	w, err := x.window(ctx, q, conds, args)
	if err != nil {
		return nil, err
	}
	res.Total, res.Capped = len(w), len(w) == window
	if f.Offset > maxOffset || f.Offset >= window {
		return res, nil // deeper than any search pages
	}
	var ids []int64
	switch {
	case f.Sort == ByDate && !res.Capped:
		// Every match is in the window: order it here.
		byDate(w)
		for _, c := range w[min(f.Offset, len(w)):min(f.Offset+f.Limit, len(w))] {
			ids = append(ids, c.id)
		}
	case f.Sort == ByDate:
		if ids, err = x.newest(ctx, q, f); err != nil {
			return nil, err
		}
	default:
		k := min(window, max(f.Offset+f.Limit, minRerank))
		if ids, err = x.best(ctx, q, w, k); err != nil {
			return nil, err
		}
	}
	hits, err := x.rank(ctx, q, ids, f.Sort != ByDate)
	if err != nil {
		return nil, err
	}
	if f.Sort != ByDate {
		hits = hits[min(f.Offset, len(hits)):min(f.Offset+f.Limit, len(hits))]
	}
	if err := x.snippets(ctx, q, hits, f.Drafts); err != nil {
		return nil, err
	}
	res.Hits = hits
	return res, nil
}

// conditions are the filter's conditions on posts p. With typeStatus set
// the caller names the type and status itself, and only the rest is given.
func (x *Index) conditions(f Filter, typeStatus bool) (string, []any) {
	var b strings.Builder
	var args []any
	if !f.Drafts {
		if !typeStatus {
			b.WriteString(" AND p.status = 'published'")
		}
		b.WriteString(" AND p.published_at <= ?")
		args = append(args, x.now().UTC().Truncate(time.Second))
	}
	if f.Type != "" && !typeStatus {
		b.WriteString(" AND p.type = ?")
		args = append(args, string(f.Type))
	}
	if f.Category != 0 {
		b.WriteString(" AND p.id IN (SELECT pc.post_id FROM post_categories pc WHERE pc.category_id = ?)")
		args = append(args, f.Category)
	}
	if !f.From.IsZero() {
		b.WriteString(" AND p.published_at >= ?")
		args = append(args, f.From.UTC().Truncate(time.Second))
	}
	if !f.To.IsZero() {
		b.WriteString(" AND p.published_at < ?")
		args = append(args, f.To.UTC().Truncate(time.Second))
	}
	if f.Lang != "" {
		b.WriteString(" AND p.lang = ?")
		args = append(args, f.Lang)
	}
	return b.String(), args
}

// rank reads the candidates' terms and scores them; with reorder set it
// sorts them by score, then newest first, then by ID, which is the order
// both stores give.
func (x *Index) rank(ctx context.Context, q *Query, ids []int64, reorder bool) ([]Hit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	rows, err := x.db.Query(ctx, `SELECT d.post_id, d.title_terms, d.body_terms, d.alt_terms, p.published_at
		FROM search_docs d JOIN posts p ON p.id = d.post_id WHERE d.post_id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("search: rank: %w", err)
	}
	defer rows.Close()
	byID := map[int64]Hit{}
	for rows.Next() {
		var h Hit
		var title, body, alt string
		var published sql.NullTime
		if err := rows.Scan(&h.PostID, &title, &body, &alt, &published); err != nil {
			return nil, err
		}
		d := parseTerms(q, title, body, alt)
		h.Score = score(q, &d)
		if published.Valid {
			h.PublishedAt = published.Time.UTC()
		}
		byID[h.PostID] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(ids))
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			hits = append(hits, h)
		}
	}
	if reorder {
		slices.SortStableFunc(hits, func(a, b Hit) int {
			switch {
			case a.Score != b.Score:
				return cmpDesc(a.Score, b.Score)
			case !a.PublishedAt.Equal(b.PublishedAt):
				return b.PublishedAt.Compare(a.PublishedAt)
			}
			return cmpDesc(a.PostID, b.PostID)
		})
	}
	return hits, nil
}

func cmpDesc[T int64 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
