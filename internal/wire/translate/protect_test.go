package translate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestProtect(t *testing.T) {
	g := Glossary{{Source: "Kirill Dmitriev", Target: "كيريل دميترييف"}, {Source: "Dmitriev", Target: "دميترييف"}}
	cases := []struct {
		name, in, want, restored string
		format                   Format
	}{
		{name: "numbers, quotes, brackets, names",
			in:       `KIRILL DMITRIEV said “we wait” on 18 March [Russian] 500,000 and 3.5%.`,
			want:     `⟦1⟧ said ⟦2⟧we wait⟦3⟧ on ⟦4⟧ March ⟦5⟧Russian⟦6⟧ ⟦7⟧ and ⟦8⟧%.`,
			restored: `كيريل دميترييف said “we wait” on 18 March [Russian] 500,000 and 3.5%.`},
		{name: "apostrophes are not quotes, names are whole words",
			in:       `Washington’s envoy, Dmitriev's 'own' plan; Dmitrievsky stays.`,
			want:     `Washington’s envoy, ⟦1⟧'s ⟦2⟧own⟦3⟧ plan; Dmitrievsky stays.`,
			restored: `Washington’s envoy, دميترييف's 'own' plan; Dmitrievsky stays.`},
		{name: "Arabic digits and separators",
			in:   "في ١٨ مارس ٢٠٢٥، و٣٫٥٪",
			want: "في ⟦1⟧ مارس ⟦2⟧، و⟦3⟧٪"},
		{name: "literal placeholder marks are escaped",
			in:   "a ⟦1⟧ b",
			want: "a ⟦1⟧⟦2⟧⟦3⟧ b"},
		{name: "html: tags, attributes and entities untouched",
			in:       `<p title="2022 “x”">Dmitriev &#8220;said&#8221; 18 &amp; <a href="/a?b=1">[x]</a></p>`,
			want:     `<p title="2022 “x”">⟦1⟧ &#8220;said&#8221; ⟦2⟧ &amp; <a href="/a?b=1">⟦3⟧x⟦4⟧</a></p>`,
			format:   FormatHTML,
			restored: `<p title="2022 “x”">دميترييف &#8220;said&#8221; 18 &amp; <a href="/a?b=1">[x]</a></p>`},
		{name: "html: glossary target escaped",
			in: "<p>AT&T</p>", want: "<p>⟦1⟧</p>", format: FormatHTML, restored: "<p>A&amp;B</p>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			format := tc.format
			if format == "" {
				format = FormatText
			}
			gl := g
			if strings.Contains(tc.in, "AT&T") {
				gl = Glossary{{Source: "AT&T", Target: "A&B"}}
			}
			p := protect(tc.in, format, gl, false)
			if p.text != tc.want {
				t.Errorf("protected\n got %s\nwant %s", p.text, tc.want)
			}
			want := tc.restored
			if want == "" {
				want = tc.in
			}
			if got, lost := p.restore(p.text); got != want || len(lost) != 0 {
				t.Errorf("restored\n got %s\nwant %s (lost %v)", got, want, lost)
			}
		})
	}
}

func TestRestoreLenientAndLost(t *testing.T) {
	p := protect(`He said “yes” in 2022.`, FormatText, nil, false)
	// An engine that localised the digits, padded the tokens and dropped one.
	got, lost := p.restore("قال ⟦ ١ ⟧نعم⟦٢ ⟧ في .")
	if got != "قال “نعم” في ." {
		t.Errorf("restore = %q", got)
	}
	if len(lost) != 1 || lost[0].kind != tokNumber || lost[0].orig != "2022" {
		t.Errorf("lost = %+v", lost)
	}
	// Placeholders the engine invented are left as written.
	if got, _ := p.restore("⟦9⟧ ⟦x⟧ ⟦"); got != "⟦9⟧ ⟦x⟧ ⟦" {
		t.Errorf("invented placeholders: %q", got)
	}
}

// FuzzProtectRestore: protect never panics, and when the engine returns
// the placeholders unchanged, restore gives the input back: exactly with
// no glossary, and but for the case of the matched terms with one whose
// targets equal its sources; for text and HTML.
func FuzzProtectRestore(f *testing.F) {
	for _, s := range []string{
		"", "plain", `He said “we wait” on 18 March [Russian] 500,000.`, "⟦1⟧⟦", "⟧⟦ 2 ⟧",
		"<p a='⟦1⟧'>x</p>", "<b title='x>[y]", "&#12;3&amp;4 &#x201C;", "Kirill Dmitriev's 'q'",
		"٣٫٥ ١٨/٠٣", "Q", "<script>if (a<b) x = \"1\";</script>[z]", "\xe2\x9f[\xe2", "<!-- 1 -->2",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, html bool) {
		format := FormatText
		if html {
			format = FormatHTML
		}
		identity := Glossary{{Source: "Kirill Dmitriev", Target: "Kirill Dmitriev"}, {Source: "q", Target: "q"}}
		for _, g := range []Glossary{nil, identity} {
			p := protect(s, format, g, false)
			got, lost := p.restore(p.text)
			// A glossary imposes its spelling: "KIRILL DMITRIEV" comes back
			// as the target "Kirill Dmitriev", equal but for case.
			if got != s && (g == nil || !strings.EqualFold(got, s)) {
				t.Fatalf("round trip (html=%v, glossary %d)\n in  %q\n mid %q\n out %q", html, len(g), s, p.text, got)
			}
			if len(lost) != 0 {
				t.Fatalf("lost %v", lost)
			}
			if strings.Count(p.text, phOpen) != len(p.tokens) {
				t.Fatalf("%d ⟦ in %q for %d tokens", strings.Count(p.text, phOpen), p.text, len(p.tokens))
			}
			// Whatever an engine does to the text, restore must not panic.
			p.restore(s)
			p.restore(strings.ReplaceAll(p.text, "1", "١"))
		}
		if utf8.ValidString(s) {
			Review(s, s, format, "ar", nil)
		}
	})
}
