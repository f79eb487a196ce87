package arabic

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"nashra.dev/nashra/internal/testenv"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii untouched", "Hello, World 42!", "Hello, World 42!"},
		{"alef hamza above", "أحمد", "احمد"},
		{"alef hamza below", "إسلام", "اسلام"},
		{"alef madda", "آمن", "امن"},
		{"alef wasla", "ٱلرحمن", "الرحمن"},
		{"alef maqsura", "مستشفى", "مستشفي"},
		{"taa marbuta", "مدينة", "مدينه"},
		{"hamza on waw and yeh meet", "مسؤول مسئول", "مسءول مسءول"},
		{"shuun both spellings", "شؤون شئون", "شءون شءون"},
		{"bare hamza kept", "سماء", "سماء"},
		{"harakat", "مُحَمَّدٌ", "محمد"},
		{"superscript alef", "الرَّحْمٰنِ", "الرحمن"},
		{"tatweel", "جـــمـيـل", "جميل"},
		{"tatweel between clitic and latin", "بـ NBC", "ب NBC"},
		{"arabic-indic digits", "عام ٢٠٢٢", "عام 2022"},
		{"persian digits", "۱۴۰۳", "1403"},
		{"farsi yeh and keheh", "کریم", "كريم"},
		{"combining hamza composed", "ا\u0654حمد", "احمد"},
		{"combining hamza on waw", "مسو\u0654ول", "مسءول"},
		{"lam-alef ligature", "\uFEFBعب", "لاعب"},
		{"presentation forms", "\uFE8D\uFEDF\uFEE0\uFEEA", "الله"},
		{"bidi controls vanish", "\u200fنص\u200e \u2067x\u2069", "نص x"},
		{"zwnj kept", "می\u200cخواهم", "مي\u200cخواهم"},
		{"quranic marks", "ذَٰلِكَ ۚ", "ذلك "},
		{"invalid utf-8 kept", "\xffأ\xfe", "\xffا\xfe"},
		{"latin with accents untouched", "Café", "Café"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestNormalizeLucene checks Normalize against the normalization cases of
// Lucene's ArabicNormalizationFilter tests (fixtures/arabic/lucene).
func TestNormalizeLucene(t *testing.T) {
	var v struct {
		Normalization []struct{ Test, Input, Expected string }
	}
	readJSON(t, filepath.Join(testenv.Fixtures(t), "arabic", "lucene", "arabic-analysis-vectors.json"), &v)
	if len(v.Normalization) == 0 {
		t.Fatal("no normalization cases in the Lucene vectors")
	}
	for _, c := range v.Normalization {
		if got := Normalize(c.Input); got != c.Expected {
			t.Errorf("%s: Normalize(%q) = %q, want %q", c.Test, c.Input, got, c.Expected)
		}
	}
	t.Logf("Lucene normalization: %d cases agree", len(v.Normalization))
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestNormalizeNoAllocForASCII(t *testing.T) {
	s := "plain ascii text 123"
	if n := testing.AllocsPerRun(100, func() { _ = Normalize(s) }); n != 0 {
		t.Errorf("Normalize allocates %.0f times on ASCII", n)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "أحمد", "مُحَمَّدٌ", "\uFEFB", "ا\u0654", "\xff\xfe", "ﱞ", "٢٠٢٢", "شئون"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Normalize(in)
		if Normalize(out) != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, Normalize(out))
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("valid input %q gave invalid output %q", in, out)
		}
	})
}
