package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"nashra.dev/nashra/internal/store/storetest"
)

func TestQueryParse(t *testing.T) {
	a := &Analyzer{}
	tests := []struct{ in, want string }{
		{"talks", "(talk/1.0)"},
		{"talks moscow", "(talk/1.0) AND (moscow/1.0)"},
		{`"white house"`, "(white+hous/1.0)"},
		{`“white house”`, "(white+hous/1.0)"},
		{`«البيت الأبيض»`, "(بيت+ابيض/1.0)"},
		{`"white house`, "(white+hous/1.0)"},
		{"talks -moscow", "(talk/1.0) -moscow"},
		{"talks NOT moscow", "(talk/1.0) -moscow"},
		{`talks -"white house"`, "(talk/1.0) -white+hous"},
		{"talks OR moscow", "(talk/1.0 | moscow/1.0)"},
		{"talks | moscow", "(talk/1.0 | moscow/1.0)"},
		{"a OR talks", "(talk/1.0)"},
		{"OR talks OR", "(talk/1.0)"},
		{"talks AND moscow", "(talk/1.0) AND (moscow/1.0)"},
		{"+talks", "(talk/1.0)"},
		{"COVID-19", "(covid+19/1.0)"},
		{"talks*", "(talk/1.0)"},
		{"title_terms:talks", "(titl+term+talk/1.0)"},
		{"' OR 1=1 --", "(1+1/1.0)"},
		{"ديمترييف", "(ديمترييف/1.0 | xدمترف/0.3)"},
		{"لموسكو", "(لموسك/1.0 | موسك/0.8 | xمسك/0.3)"},
	}
	for _, tt := range tests {
		q, err := a.Query(tt.in)
		if err != nil {
			t.Errorf("Query(%q): %v", tt.in, err)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("Query(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"", "   ", "the of and", "في من", "-talks", `"" ''`, "OR AND NOT", "!!!", "\xff\xfe"} {
		_, err := a.Query(in)
		var qe *QueryError
		if !errors.Is(err, ErrBadQuery) || !errors.As(err, &qe) || qe.Reason == "" {
			t.Errorf("Query(%q): err = %v, want a *QueryError", in, err)
		}
	}
}

func TestQueryLimits(t *testing.T) {
	a := &Analyzer{}
	q, err := a.Query(strings.Repeat("محادثات موسكو ", 100))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Clauses) != MaxClauses || !q.Truncated {
		t.Errorf("%d clauses, truncated %v; want %d, true", len(q.Clauses), q.Truncated, MaxClauses)
	}
	q, err = a.Query(strings.Repeat("ك", 5000))
	if err == nil || q != nil {
		t.Errorf("a 10 KB word: %v, %v", q, err)
	}
	q, err = a.Query("talks " + strings.Repeat("-x ", 50))
	if err != nil || len(q.Exclude) != MaxExclusions || !q.Truncated {
		t.Errorf("exclusions: %v, %v", q, err)
	}
}

// checkQuery asserts the invariants of a parsed query and of the match
// expressions written from it.
func checkQuery(t *testing.T, in string, q *Query) {
	t.Helper()
	if len(q.Clauses) == 0 || len(q.Clauses) > MaxClauses || len(q.Exclude) > MaxExclusions {
		t.Fatalf("%q: %d clauses, %d exclusions", in, len(q.Clauses), len(q.Exclude))
	}
	for _, c := range q.Clauses {
		if len(c.Alts) == 0 || len(c.Alts) > maxAlts {
			t.Fatalf("%q: clause with %d alternatives", in, len(c.Alts))
		}
		for _, a := range c.Alts {
			for _, term := range a.Terms {
				if term == "" || !utf8.ValidString(term) || safeTerm(term) != term {
					t.Fatalf("%q: bad term %q", in, term)
				}
			}
		}
	}
	for _, expr := range []string{ftsMatch(q), strings.ReplaceAll(tsQuery(q), "<->", " ")} {
		if !utf8.ValidString(expr) || strings.ContainsAny(expr, "\x00;-*^:{}") {
			t.Fatalf("%q: expression %q", in, expr)
		}
	}
}

func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{"", "الكرملين", "Washing’s Envoy", "مُحَمَّدٌ", "\xff\xfe", "g20 ٢٠٢٢م", "ﻻ", "وأكد", "a'b'c"} {
		f.Add(s)
	}
	a := &Analyzer{}
	f.Fuzz(func(t *testing.T, in string) {
		var toks []token
		a.analyze(in, func(tk token) { toks = append(toks, tk) })
		for _, tk := range toks {
			if tk.Term == "" || !utf8.ValidString(tk.Term) || safeTerm(tk.Term) != tk.Term || strings.ContainsAny(tk.Term, " \t\n") {
				t.Fatalf("%q: bad term %q", in, tk.Term)
			}
			if tk.Skel != "" && !isSkeletonTerm(tk.Skel) {
				t.Fatalf("%q: bad skeleton %q", in, tk.Skel)
			}
			if tk.Start < 0 || tk.End > len(in) || tk.Start >= tk.End {
				t.Fatalf("%q: bad range %d:%d", in, tk.Start, tk.End)
			}
		}
		// Analysis depends on the text alone.
		if got := a.Tokens(in, "en"); strings.Join(got, " ") != strings.Join(a.Tokens(in, "ar"), " ") {
			t.Fatalf("%q: not deterministic", in)
		}
	})
}

// FuzzQuery parses any text and runs the FTS5 expression made from it on a
// real SQLite index: it must never be an FTS5 syntax error.
func FuzzQuery(f *testing.F) {
	for _, s := range append(hostileQueries()[:40], "talks OR moscow", `"a b" -c`, "ديمترييف", "x y z OR w") {
		f.Add(s)
	}
	db := storetest.SQLite(f)
	a := &Analyzer{}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := a.Query(in)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) || q != nil {
				t.Fatalf("%q: %v", in, err)
			}
			return
		}
		checkQuery(t, in, q)
		var n int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH ?", ftsMatch(q)).Scan(&n); err != nil {
			t.Fatalf("%q: FTS5 rejects %q: %v", in, ftsMatch(q), err)
		}
	})
}
