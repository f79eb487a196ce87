package arabic

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlugify(t *testing.T) {
	long := strings.Repeat("كلمة ", 30) // 5 runes per word with its space
	tests := []struct {
		name, in, want string
	}{
		{"arabic title", "يعلق الكرملين على محادثات", "يعلق-الكرملين-على-محادثات"},
		{"empty", "", ""},
		{"only punctuation", " ؟!… «» -- ، ؛ ", ""},
		{"only emoji", "👍🏽🎉", ""},
		{"harakat removed", "مُحَمَّدٌ رَسُولُ", "محمد-رسول"},
		{"superscript alef and quranic marks", "الرَّحْمٰنِ ۚ", "الرحمن"},
		{"tatweel removed inside word", "جـــمـيـل", "جميل"},
		{"arabic-indic digits", "عام ٢٠٢٥", "عام-2025"},
		{"extended arabic-indic digits", "سال ۱۴۰۳", "سال-1403"},
		{"latin lowercased, accents removed", "Café Olé à Noël", "cafe-ole-a-noel"},
		{"decomposed input", "Cafe\u0301", "cafe"},
		{"latin mark without precomposed form", "e\u0331x", "ex"},
		{"turkish dotted capital I", "İstanbul", "istanbul"},
		{"letters without decomposition stay", "Øresund Łódź Straße", "øresund-łodz-straße"},
		{"mixed scripts", "قمة G20 في الرياض: ما الجديد؟", "قمة-g20-في-الرياض-ما-الجديد"},
		{"quotes and brackets", `"NBC News" (تقرير) ’خاص‘`, "nbc-news-تقرير-خاص"},
		{"collapses separators", "  --Hello--  ,World!!  ", "hello-world"},
		{"zwnj and zwj separate", "می\u200cخواهم a\u200db", "می-خواهم-a-b"},
		{"bidi controls separate", "\u202bعربي\u202c\u2067x\u2069", "عربي-x"},
		{"soft hyphen vanishes", "Wash\u00adington", "washington"},
		{"invalid utf-8 separates", "abc\xffdef\xfe\xfe", "abc-def"},
		{"invalid utf-8 only", "\xff\xfe\xc0", ""},
		{"literal replacement char separates", "a\uFFFDb", "a-b"},
		{"greek and cyrillic lowercased", "ΑΘΗΝΑ Москва", "αθηνα-москва"},
		{"devanagari marks kept", "हिन्दी भाषा", "हिन्दी-भाषा"},
		{"stray mark dropped", "\u0301abc \u0301", "abc"},
		{"other script digits kept", "१२३", "१२३"},
		{"fractions and superscripts separate", "x²½y", "x-y"},
		{"hebrew", "שלום עולם", "שלום-עולם"},
		{"nfc composes hangul", "\u1100\u1161", "\uac00"},
		{"cut at a word boundary", long, strings.TrimSuffix(strings.ReplaceAll(strings.Repeat("كلمة ", 16), " ", "-"), "-")},
		{"hard cut without boundary", strings.Repeat("ب", 100), strings.Repeat("ب", 80)},
		{"boundary too early is ignored", "ab " + strings.Repeat("x", 100), "ab-" + strings.Repeat("x", 77)},
		{"boundary right at 80", strings.Repeat("a", 80) + " b", strings.Repeat("a", 80)},
		{"hard cut keeps letter with marks", strings.Repeat("क", 79) + "क्ष", strings.Repeat("क", 79)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Slugify(tt.in)
			if got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkSlug(t, tt.in, got)
		})
	}
}

func TestSlugifyVeryLongInput(t *testing.T) {
	in := strings.Repeat("الأخبار العاجلة NBC ", 100000)
	got := Slugify(in)
	checkSlug(t, in, got)
	if !strings.HasPrefix(got, "الأخبار-العاجلة-nbc-") {
		t.Errorf("Slugify(long) = %q", got)
	}
}

// checkSlug asserts the contract every slug meets.
func checkSlug(t *testing.T, in, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("Slugify(%q) = %q: invalid UTF-8", in, got)
	}
	if n := utf8.RuneCountInString(got); n > slugMaxRunes {
		t.Fatalf("Slugify(%q) has %d runes", in, n)
	}
	if strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") || strings.Contains(got, "--") {
		t.Fatalf("Slugify(%q) = %q: stray '-'", in, got)
	}
	if again := Slugify(got); again != got {
		t.Fatalf("Slugify not idempotent for %q: %q then %q", in, got, again)
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{
		"يعلق الكرملين على محادثات", "Café Olé!", "مُحَمَّد ـــ", "٢٠٢٥", "\xff\xfe",
		"हिन्दी", "\u1100\u1161\u11a8", "a\u0301\u0640\u0327", "İ", "ǅ", strings.Repeat("ab ", 40),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSlug(t, in, Slugify(in))
	})
}
