package translate

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

func joinUnits(us []unit) string {
	var b strings.Builder
	for _, u := range us {
		b.WriteString(u.text + u.sep)
	}
	return b.String()
}

func TestParagraphs(t *testing.T) {
	cases := []struct {
		in     string
		format Format
		want   []string
	}{
		{"one", FormatText, []string{"one"}},
		{"one\ntwo\n\nthree \n \n\n four\n", FormatText, []string{"one\ntwo", "three", "four"}},
		{"\n\nlead", FormatText, []string{"", "lead"}},
		{"<p>a</p>\n<p>b<br>c</p><ul><li>d</li></ul>", FormatHTML, []string{"<p>a</p>", "<p>b<br>", "c</p>", "<ul><li>d</li>", "</ul>"}},
		{"<p title='</p>'>a</p>", FormatHTML, []string{"<p title='</p>'>a</p>"}},
	}
	for _, tc := range cases {
		us := paragraphs(tc.in, tc.format)
		var got []string
		for _, u := range us {
			got = append(got, u.text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("paragraphs(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if joinUnits(us) != tc.in {
			t.Errorf("paragraphs(%q) does not join back: %q", tc.in, joinUnits(us))
		}
	}
}

func TestSplit(t *testing.T) {
	s := "First sentence here. Second one, longer than the first! Third? " + strings.Repeat("word ", 30)
	parts := split(s, 60, FormatText)
	if strings.Join(parts, "") != s {
		t.Fatal("parts do not join back")
	}
	if parts[0] != "First sentence here. Second one, longer than the first! " {
		t.Errorf("first part %q: want a cut at a sentence end", parts[0])
	}
	for _, p := range parts {
		if len(p) > 60 {
			t.Errorf("part of %d bytes: %q", len(p), p)
		}
	}
	h := `<p>` + strings.Repeat(`<a href="/a-long-link">x</a>&amp;`, 5) + `</p>`
	for _, p := range split(h, 40, FormatHTML) {
		if strings.Count(p, "<") != strings.Count(p, ">") || strings.Count(p, "&")*5 != strings.Count(p, "&amp;")*5 {
			t.Errorf("HTML cut inside a tag or reference: %q", p)
		}
	}
	ar := strings.Repeat("كلمة", 100) // no space at all: cut at rune boundaries
	for _, p := range split(ar, 50, FormatText) {
		if !utf8.ValidString(p) {
			t.Errorf("cut inside a UTF-8 sequence: %q", p)
		}
	}
}

func TestSegmentsRequestKeepsAlignment(t *testing.T) {
	srv := newLibreServer(t)
	p := newTestProvider(t, Config{Provider: LibreTranslate, URL: srv.URL, MaxSegmentBytes: 200}, newFakeClock())
	long := strings.Repeat("Two paragraph. ", 30)
	res, err := p.Translate(context.Background(), Request{Segments: []string{"One", long, "Three\n\nfour"}, From: "en", To: "ar"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Segments) != 3 {
		t.Fatalf("%d segments for 3", len(res.Segments))
	}
	if got := res.Segments[1].Text; strings.Count(got, "اثنان فقرة.") != 30 || res.Segments[1].Source != long {
		t.Errorf("long segment rejoined as %q", got)
	}
	if res.Segments[2].Text != "ثلاثة\n\nأربعة" {
		t.Errorf("a segment is one unit even with blank lines: %q", res.Segments[2].Text)
	}
	if res.Text != "واحد\n\n"+res.Segments[1].Text+"\n\nثلاثة\n\nأربعة" {
		t.Errorf("Text = %q", res.Text)
	}
}

// FuzzSegments: cutting into paragraphs and parts never loses a byte and
// respects the size limit where the input allows it.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"a\n\nb", "<p>x</p><p>y<br>z</p>", "Hello. World! ok?\n\n\n  x", "<a href='>'>q</a>", "&amp;&#1;"} {
		f.Add(s, 20, false)
		f.Add(s, 20, true)
	}
	f.Fuzz(func(t *testing.T, s string, max int, html bool) {
		format := FormatText
		if html {
			format = FormatHTML
		}
		us := paragraphs(s, format)
		if joinUnits(us) != s {
			t.Fatalf("paragraphs lost bytes: %q", s)
		}
		max = max%500 + 1
		for _, u := range us {
			parts := split(u.text, max, format)
			if strings.Join(parts, "") != u.text {
				t.Fatalf("split lost bytes: %q", u.text)
			}
		}
	})
}
