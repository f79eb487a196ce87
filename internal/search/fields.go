package search

import (
	"strconv"
	"strings"
)

// AnalyzerVersion names the analyzer's behaviour. Raise it whenever a change
// gives different terms for the same text: the next Sync then re-analyzes
// every post indexed by the older version.
const AnalyzerVersion = 1

// Limits on what one post puts in the index, the same on both stores:
// PostgreSQL keeps positions only up to 16,383 and a tsvector under 1 MB, so
// a very long body is indexed for its first maxBodyTerms terms only.
const (
	maxTitleTerms = 400
	maxBodyTerms  = 15000
	maxAltTerms   = 4000
	maxPosition   = 16383
)

// doc is what the index reads of a post.
type doc struct {
	PostID     int64
	Version    int
	Lang       string
	Title      string
	Tags       []string
	Standfirst string
	Body       string // plain text
	Source     string
}

// fields are a post's terms, as stored.
type fields struct {
	Title, Body, Alt []string
}

// analyzeDoc makes the terms of a post: title and tags, then standfirst,
// body and source credit, then the distinct skeleton keys of both.
func (a *Analyzer) analyzeDoc(d *doc) fields {
	var f fields
	seen := map[string]bool{}
	memo := termMemo{}
	add := func(dst *[]string, limit int, text string) {
		a.analyzeMemo(text, memo, func(t token) {
			if len(*dst) < limit {
				*dst = append(*dst, t.Term)
			}
			if t.Skel != "" && !seen[t.Skel] && len(f.Alt) < maxAltTerms {
				seen[t.Skel] = true
				f.Alt = append(f.Alt, t.Skel)
			}
		})
	}
	add(&f.Title, maxTitleTerms, d.Title)
	for _, tag := range d.Tags {
		add(&f.Title, maxTitleTerms, tag)
	}
	add(&f.Body, maxBodyTerms, d.Standfirst)
	add(&f.Body, maxBodyTerms, d.Body)
	add(&f.Body, maxBodyTerms, d.Source)
	return f
}

// tsvector writes the fields as a PostgreSQL tsvector literal: each term
// with its positions and weight (A title, B body, D skeleton). Positions
// follow on across fields with a gap, so a phrase never spans two fields,
// and stop at maxPosition. Terms hold only letters and digits, but are
// quoted and escaped all the same.
func (f *fields) tsvector() string {
	type position struct {
		n      int
		weight byte
	}
	positions := map[string][]position{}
	var order []string
	pos := 0
	put := func(terms []string, weight byte) {
		for _, t := range terms {
			pos = min(pos+1, maxPosition)
			ps, ok := positions[t]
			if !ok {
				order = append(order, t)
			}
			// PostgreSQL keeps 256 positions of a lexeme, each once.
			if len(ps) < 256 && (len(ps) == 0 || ps[len(ps)-1].n != pos) {
				positions[t] = append(ps, position{pos, weight})
			}
		}
		pos = min(pos+1, maxPosition) // a gap between fields
	}
	put(f.Title, 'A')
	put(f.Body, 'B')
	put(f.Alt, 'D')
	var b strings.Builder
	for i, t := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(t))
		b.WriteByte(':')
		for j, p := range positions[t] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p.n))
			b.WriteByte(p.weight)
		}
	}
	return b.String()
}

// quoteLexeme quotes a term for a tsvector or tsquery literal.
func quoteLexeme(t string) string {
	t = strings.ReplaceAll(t, `\`, `\\`)
	return "'" + strings.ReplaceAll(t, "'", "''") + "'"
}
