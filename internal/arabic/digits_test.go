package arabic

import "testing"

func TestToArabicIndic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"0123456789", "٠١٢٣٤٥٦٧٨٩"},
		{"28 مارس 2025", "٢٨ مارس ٢٠٢٥"},
		{"no digits", "no digits"},
		{"۱۴۰۳ stays", "۱۴۰۳ stays"},
		{"٣ and 3", "٣ and ٣"},
		{"\xff1\xfe", "\xff١\xfe"},
	}
	for _, tt := range tests {
		if got := ToArabicIndic(tt.in); got != tt.want {
			t.Errorf("ToArabicIndic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToLatinDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"٢٨ مارس ٢٠٢٥", "28 مارس 2025"},
		{"mixed ٣ ۳ 3", "mixed 3 3 3"},
		{"no digits", "no digits"},
		{"\xd9\xff٤", "\xd9\xff4"},
		{"१२३", "१२३"},
	}
	for _, tt := range tests {
		if got := ToLatinDigits(tt.in); got != tt.want {
			t.Errorf("ToLatinDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDigitsRoundTrip(t *testing.T) {
	const s = "الساعة 10:45 يوم 2025/03/28"
	if got := ToLatinDigits(ToArabicIndic(s)); got != s {
		t.Errorf("round trip = %q, want %q", got, s)
	}
}
