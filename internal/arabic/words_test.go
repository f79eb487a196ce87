package arabic

import (
	"strings"
	"testing"
)

func TestWordCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   ", 0},
		{"؟!، — …", 0},
		{"يعلق الكرملين على محادثات", 4},
		{"مُحَمَّدٌ رَسُولُ اللَّهِ", 3},
		{"The quick brown fox.", 4},
		{"قالت NBC News، إن 18 شخصاً", 6},
		{"don't", 2},
		{"e-mail 2025-03-28", 5},
		{"हिन्दी भाषा", 2},
		{"日本語", 1},
		{"a\xffb", 2},
		{"  leading and trailing  ", 3},
		{"٢٠٢٥ عام", 2},
	}
	for _, tt := range tests {
		if got := WordCount(tt.in); got != tt.want {
			t.Errorf("WordCount(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestWordCountLong(t *testing.T) {
	if got := WordCount(strings.Repeat("كلمة ", 100000)); got != 100000 {
		t.Errorf("WordCount(long) = %d", got)
	}
}

func TestReadingMinutes(t *testing.T) {
	tests := []struct {
		words int
		lang  string
		want  int
	}{
		{0, "ar", 1},
		{-5, "en", 1},
		{1, "ar", 1},
		{180, "ar", 1},
		{181, "ar", 2},
		{900, "ar-EG", 5},
		{230, "en", 1},
		{231, "en", 2},
		{900, "en", 4},
		{900, "fr", 4},
		{900, "", 4},
		{int(^uint(0) >> 1), "en", int(^uint(0)>>1)/230 + 1},
	}
	for _, tt := range tests {
		if got := ReadingMinutes(tt.words, tt.lang); got != tt.want {
			t.Errorf("ReadingMinutes(%d, %q) = %d, want %d", tt.words, tt.lang, got, tt.want)
		}
	}
}
