package arabic

import "testing"

func TestDirection(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"ar", "rtl"}, {"AR", "rtl"}, {"ar-EG", "rtl"}, {"ar_SA", "rtl"}, {" ar-eg ", "rtl"},
		{"fa", "rtl"}, {"fa-IR", "rtl"}, {"ur", "rtl"}, {"he", "rtl"}, {"he-IL", "rtl"},
		{"ps", "rtl"}, {"ckb", "rtl"}, {"ckb-IQ", "rtl"}, {"yi", "rtl"}, {"dv", "rtl"},
		{"sd", "rtl"}, {"ug", "rtl"}, {"iw", "rtl"},
		{"en", "ltr"}, {"en-US", "ltr"}, {"fr", "ltr"}, {"tr", "ltr"}, {"ku", "ltr"},
		{"", "ltr"}, {"-", "ltr"}, {"arabic", "ltr"}, {"a", "ltr"}, {"\xff", "ltr"},
		{"ar-Latn", "ltr"}, {"sd-Deva-IN", "ltr"}, {"ku-Arab", "rtl"}, {"pa-Arab-PK", "rtl"},
		{"ar-Arab-EG", "rtl"},
	}
	for _, tt := range tests {
		if got := Direction(tt.lang); got != tt.want {
			t.Errorf("Direction(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}
