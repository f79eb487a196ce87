package search

import (
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	a := &Analyzer{}
	q, err := a.Query(`talks "white house" ديمترييف`)
	if err != nil {
		t.Fatal(err)
	}
	fields := func(title, body string) docTerms {
		f := a.analyzeDoc(&doc{Title: title, Body: body})
		return parseTerms(q, strings.Join(f.Title, " "), strings.Join(f.Body, " "), strings.Join(f.Alt, " "))
	}
	inTitle := fields("Talks at the White House with ديمترييف", "")
	inBody := fields("A visit", "Talks at the White House with ديمترييف")
	skeletonOnly := fields("A visit", "Talks at the White House with ديميتريف")
	noPhrase := fields("A visit", "Talks at the house, white walls, ديمترييف")
	s1, s2, s3, s4 := score(q, &inTitle), score(q, &inBody), score(q, &skeletonOnly), score(q, &noPhrase)
	if !(s1 > s2 && s2 > s3 && s3 > 0) {
		t.Errorf("title %v > body %v > skeleton only %v > 0 does not hold", s1, s2, s3)
	}
	if s4 >= s2 {
		t.Errorf("without the phrase %v, with it %v", s4, s2)
	}
	if got := inBody.body["white hous"]; got != 1 {
		t.Errorf("phrase counted %d times, want 1", got)
	}
}

func TestCountFieldPhrases(t *testing.T) {
	counts := map[string]int{}
	n := countField("a b a b c a b", map[string]bool{"a": true}, [][]string{{"a", "b"}, {"b", "c", "a"}}, counts)
	if n != 7 || counts["a"] != 3 || counts["a b"] != 3 || counts["b c a"] != 1 {
		t.Errorf("n=%d counts=%v", n, counts)
	}
	n = countField("", nil, nil, counts)
	if n != 0 {
		t.Errorf("empty field has %d terms", n)
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>كل<strong>مة</strong> واحدة</p><p>ثانية</p>", "كلمة واحدة\n\nثانية\n"},
		{"<p>A &amp; B &lt;tag&gt;</p>", "\nA & B <tag>\n"},
		{"<script>alert(1)</script><p>x</p>", "\n\nx\n"},
		{"<ul><li>one</li><li>two</li></ul>", "\n\none\n\ntwo\n\n"},
		{"<p><bdi>NBC News</bdi> قالت</p>", "\nNBC News قالت\n"},
	}
	for _, tt := range tests {
		got := htmlText(tt.in)
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(tt.want), " ") {
			t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTSVector(t *testing.T) {
	f := fields{Title: []string{"a", "b"}, Body: []string{"a", "c"}, Alt: []string{"xدمترف"}}
	if got, want := f.tsvector(), "'a':1A,4B 'b':2A 'c':5B 'xدمترف':7D"; got != want {
		t.Errorf("tsvector = %s, want %s", got, want)
	}
	if got := quoteLexeme(`it's\`); got != `'it''s\\'` {
		t.Errorf("quoteLexeme = %s", got)
	}
}

func TestHighlight(t *testing.T) {
	a := &Analyzer{}
	q, _ := a.Query("ديميتريف <script>")
	x := &Index{an: a}
	m := x.newMarker(q)
	got := string(m.highlight(`قال ديمترييف <script>alert(1)</script> للصحفيين`, 0))
	want := `قال <mark>ديمترييف</mark> &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; للصحفيين`
	if got != want {
		t.Errorf("highlight = %s\nwant        %s", got, want)
	}
	long := strings.Repeat("كلمة ", 100) + "ديمترييف " + strings.Repeat("نص ", 100)
	s := string(m.highlight(long, snippetWords))
	if !strings.HasPrefix(s, "… ") || !strings.HasSuffix(s, " …") || !strings.Contains(s, "<mark>ديمترييف</mark>") {
		t.Errorf("snippet = %s", s)
	}
	if n := len(strings.Fields(s)); n > snippetWords+2 {
		t.Errorf("snippet has %d words", n)
	}
}
