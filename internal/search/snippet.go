package search

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"strings"
)

const (
	snippetWords    = 32       // words in a snippet
	snippetScan     = 12 << 10 // bytes of a body looked through for matches
	snippetFallback = 40       // words shown when nothing matched (a skeleton-only hit in the body)
)

// snippets fills the hits' titles and snippets from the posts' text.
func (x *Index) snippets(ctx context.Context, q *Query, hits []Hit, drafts bool) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.PostID
	}
	in, args := inList(ids)
	rows, err := x.db.Query(ctx, "SELECT p.id, p.title, p.standfirst, p.visibility, p.body_html FROM posts p WHERE p.id IN "+in, args...)
	if err != nil {
		return fmt.Errorf("search: snippets: %w", err)
	}
	defer rows.Close()
	type text struct{ title, standfirst, visibility, body string }
	texts := map[int64]text{}
	for rows.Next() {
		var id int64
		var t text
		if err := rows.Scan(&id, &t.title, &t.standfirst, &t.visibility, &t.body); err != nil {
			return err
		}
		texts[id] = t
	}
	if err := rows.Err(); err != nil {
		return err
	}
	m := x.newMarker(q)
	for i := range hits {
		t := texts[hits[i].PostID]
		hits[i].Title = m.highlight(t.title, -1)
		passage := t.standfirst
		if t.visibility == "public" || drafts {
			body := htmlText(t.body)
			if len(body) > snippetScan {
				body = body[:snippetScan]
			}
			passage = strings.TrimSpace(t.standfirst + "\n" + body)
		}
		hits[i].Snippet = m.highlight(passage, snippetWords)
	}
	return nil
}

// marker finds the words of a text that match a query.
type marker struct {
	an    *Analyzer
	terms map[string]bool // every term and skeleton of the query's clauses
	memo  map[string]bool // word → matches, for this search
}

func (x *Index) newMarker(q *Query) *marker {
	m := &marker{an: x.an, terms: map[string]bool{}, memo: map[string]bool{}}
	for _, c := range q.Clauses {
		for _, a := range c.Alts {
			for _, t := range a.Terms {
				m.terms[t] = true
			}
		}
	}
	return m
}

// highlight returns text as HTML with matching words in <mark>. With
// maxWords > 0 it returns the passage of maxWords words holding the most
// matches (the opening words when none match), with "…" where it was cut.
func (m *marker) highlight(text string, maxWords int) template.HTML {
	text = strings.ToValidUTF8(text, "\uFFFD")
	type span struct {
		start, end int
		hit        bool
	}
	var words []span
	splitWords(text, func(w word) {
		s := text[w.Start:w.End]
		hit, ok := m.memo[s]
		if !ok {
			if t, yes := m.an.term(s, w.Arabic); yes {
				hit = m.terms[t.Term] || (t.Skel != "" && m.terms[t.Skel])
			}
			m.memo[s] = hit
		}
		words = append(words, span{w.Start, w.End, hit})
	})
	first, last := 0, len(words) // the words shown, [first, last)
	if maxWords > 0 && len(words) > maxWords {
		best, hits := 0, 0
		for i := range words {
			if words[i].hit {
				hits++
			}
			if i >= maxWords && words[i-maxWords].hit {
				hits--
			}
			if i >= maxWords-1 && hits > best {
				best, first = hits, i-maxWords+1
			}
		}
		if best == 0 {
			first = 0
			maxWords = snippetFallback
		} else {
			// Start a little before the window's first match.
			for !words[first].hit {
				first++
			}
			first = max(0, first-maxWords/4)
		}
		last = min(len(words), first+maxWords)
	}
	var b strings.Builder
	if len(words) == 0 {
		return template.HTML(html.EscapeString(strings.TrimSpace(text)))
	}
	start, end := 0, len(text)
	if first > 0 {
		start = words[first].start
		b.WriteString("… ")
	}
	if last < len(words) {
		end = words[last-1].end
	}
	pos := start
	for _, w := range words[first:last] {
		if !w.hit {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:w.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[w.start:w.end]))
		b.WriteString("</mark>")
		pos = w.end
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return template.HTML(strings.Join(strings.Fields(b.String()), " "))
}
