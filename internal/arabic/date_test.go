package arabic

import (
	"testing"
	"time"
)

func TestFormatDate(t *testing.T) {
	d := time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    time.Time
		lang string
		st   DateStyle
		want string
	}{
		{"arabic default", d, "ar", DateStyle{}, "28 مارس 2025"},
		{"arabic region", d, "ar-EG", DateStyle{Digits: "latin", Months: "standard"}, "28 مارس 2025"},
		{"arabic digits", d, "ar", DateStyle{Digits: "arabic"}, "٢٨ مارس ٢٠٢٥"},
		{"levant", d, "ar-SY", DateStyle{Months: "levant"}, "28 آذار 2025"},
		{"levant two words", time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC), "ar", DateStyle{Months: "levant"}, "5 كانون الثاني 2025"},
		{"maghreb", time.Date(2025, 7, 5, 0, 0, 0, 0, time.UTC), "ar-DZ", DateStyle{Months: "maghreb"}, "5 جويلية 2025"},
		{"unknown months is standard", d, "ar", DateStyle{Months: "gulf"}, "28 مارس 2025"},
		{"case-insensitive style", d, "ar", DateStyle{Digits: "Arabic", Months: "Levant"}, "٢٨ آذار ٢٠٢٥"},
		{"arabic hijri", d, "ar", DateStyle{Hijri: true}, "28 مارس 2025 / 28 رمضان 1446 هـ"},
		{"arabic hijri digits", d, "ar", DateStyle{Digits: "arabic", Hijri: true}, "٢٨ مارس ٢٠٢٥ / ٢٨ رمضان ١٤٤٦ هـ"},
		{"english", d, "en", DateStyle{}, "28 March 2025"},
		{"english ignores arabic style", d, "en-GB", DateStyle{Digits: "arabic", Months: "levant"}, "28 March 2025"},
		{"english hijri", d, "en", DateStyle{Hijri: true}, "28 March 2025 / 28 Ramadan 1446 AH"},
		{"other language is english", d, "fr", DateStyle{Hijri: true}, "28 March 2025 / 28 Ramadan 1446 AH"},
		{"empty language is english", d, "", DateStyle{}, "28 March 2025"},
		{"hijri month names", time.Date(2024, 7, 8, 0, 0, 0, 0, time.UTC), "en", DateStyle{Hijri: true}, "8 July 2024 / 1 Muharram 1446 AH"},
		{"local calendar date", time.Date(2025, 3, 27, 22, 30, 0, 0, time.UTC).In(time.FixedZone("AST", 3*3600)), "ar", DateStyle{Hijri: true}, "28 مارس 2025 / 28 رمضان 1446 هـ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatDate(tt.t, tt.lang, tt.st); got != tt.want {
				t.Errorf("FormatDate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMonthName(t *testing.T) {
	tests := []struct {
		m    time.Month
		lang string
		st   DateStyle
		want string
	}{
		{time.January, "ar", DateStyle{}, "يناير"},
		{time.March, "ar", DateStyle{}, "مارس"},
		{time.May, "ar", DateStyle{}, "مايو"},
		{time.December, "ar", DateStyle{}, "ديسمبر"},
		{time.January, "ar", DateStyle{Months: "levant"}, "كانون الثاني"},
		{time.October, "ar", DateStyle{Months: "levant"}, "تشرين الأول"},
		{time.November, "ar", DateStyle{Months: "levant"}, "تشرين الثاني"},
		{time.December, "ar", DateStyle{Months: "levant"}, "كانون الأول"},
		{time.August, "ar", DateStyle{Months: "levant"}, "آب"},
		{time.February, "ar", DateStyle{Months: "maghreb"}, "فيفري"},
		{time.April, "ar", DateStyle{Months: "maghreb"}, "أفريل"},
		{time.August, "ar", DateStyle{Months: "maghreb"}, "أوت"},
		{time.March, "en", DateStyle{Months: "levant"}, "March"},
		{time.Month(0), "ar", DateStyle{}, ""},
		{time.Month(13), "en", DateStyle{}, ""},
	}
	for _, tt := range tests {
		if got := MonthName(tt.m, tt.lang, tt.st); got != tt.want {
			t.Errorf("MonthName(%d, %q, %+v) = %q, want %q", tt.m, tt.lang, tt.st, got, tt.want)
		}
	}
}
