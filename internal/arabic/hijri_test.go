package arabic

import (
	"testing"
	"time"
)

// The reference dates were checked against ICU's "islamic-civil" calendar
// (the same tabular rules), and the implementation agreed with ICU on every
// seventh day from 622 to 2400.
func TestToHijri(t *testing.T) {
	tests := []struct {
		date             string
		year, month, day int
	}{
		{"0622-07-19", 1, 1, 1},   // the epoch: 16 July 622 Julian
		{"0622-07-18", 0, 12, 29}, // year 0 = year 30 of a cycle: common
		{"1000-05-05", 390, 5, 21},
		{"1900-01-01", 1317, 8, 28},
		{"1970-01-01", 1389, 10, 22},
		{"2000-01-01", 1420, 9, 24},
		{"2001-03-06", 1421, 12, 10},
		{"2020-04-24", 1441, 9, 1},
		{"2024-02-29", 1445, 8, 19},
		{"2024-07-07", 1445, 12, 30}, // 1445 is a leap year (year 5 of its cycle)
		{"2024-07-08", 1446, 1, 1},   // Umm al-Qura: 2024-07-07
		{"2025-03-01", 1446, 9, 1},
		{"2025-03-28", 1446, 9, 28},
		{"2025-03-30", 1446, 9, 30},
		{"2025-03-31", 1446, 10, 1},
		{"2025-06-26", 1446, 12, 29}, // 1446 is common: Dhu al-Hijjah has 29 days
		{"2025-06-27", 1447, 1, 1},
		{"2026-02-18", 1447, 9, 1},
		{"2030-12-31", 1452, 9, 6},
		{"2100-12-31", 1524, 10, 29},
	}
	for _, tt := range tests {
		d, err := time.Parse(time.DateOnly, tt.date)
		if err != nil {
			t.Fatal(err)
		}
		y, m, day := ToHijri(d)
		if y != tt.year || m != tt.month || day != tt.day {
			t.Errorf("ToHijri(%s) = %d-%d-%d, want %d-%d-%d", tt.date, y, m, day, tt.year, tt.month, tt.day)
		}
	}
}

func TestToHijriUsesLocalDate(t *testing.T) {
	riyadh := time.FixedZone("AST", 3*3600)
	// 22:30 UTC on 27 March is already 28 March in Riyadh.
	tm := time.Date(2025, 3, 27, 22, 30, 0, 0, time.UTC).In(riyadh)
	if y, m, d := ToHijri(tm); y != 1446 || m != 9 || d != 28 {
		t.Errorf("ToHijri(%v) = %d-%d-%d, want 1446-9-28", tm, y, m, d)
	}
	if y, m, d := ToHijri(tm.UTC()); y != 1446 || m != 9 || d != 27 {
		t.Errorf("ToHijri(%v) = %d-%d-%d, want 1446-9-27", tm.UTC(), y, m, d)
	}
}

// TestHijriContinuity walks day by day over two full 30-year cycles and
// checks that dates advance one day at a time with the right month and year
// lengths, and that hijriToJDN inverts the conversion.
func TestHijriContinuity(t *testing.T) {
	start := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	py, pm, pd := ToHijri(start.AddDate(0, 0, -1))
	for i := range 2 * hijriCycleDays {
		tm := start.AddDate(0, 0, i)
		y, m, d := ToHijri(tm)
		switch {
		case y == py && m == pm && d == pd+1:
		case y == py && m == pm+1 && d == 1 && pd == hijriMonthDays(py, pm):
		case y == py+1 && m == 1 && d == 1 && pm == 12 && pd == hijriMonthDays(py, 12):
		default:
			t.Fatalf("%s: %d-%d-%d follows %d-%d-%d", tm.Format(time.DateOnly), y, m, d, py, pm, pd)
		}
		if got, want := hijriToJDN(y, m, d), tm.Unix()/86400+unixEpochJDN; got != want {
			t.Fatalf("hijriToJDN(%d, %d, %d) = %d, want %d", y, m, d, got, want)
		}
		py, pm, pd = y, m, d
	}
}

func TestHijriLeapYears(t *testing.T) {
	want := map[int]bool{2: true, 5: true, 7: true, 10: true, 13: true, 16: true, 18: true, 21: true, 24: true, 26: true, 29: true}
	for _, base := range []int{0, 30, 1440, -30} {
		for y := 1; y <= 30; y++ {
			if got := hijriLeap(base + y); got != want[y] {
				t.Errorf("hijriLeap(%d) = %v, want %v", base+y, got, want[y])
			}
		}
	}
}

func TestHijriMonthName(t *testing.T) {
	tests := []struct {
		m    int
		want string
	}{
		{1, "محرم"}, {2, "صفر"}, {3, "ربيع الأول"}, {4, "ربيع الآخر"},
		{5, "جمادى الأولى"}, {6, "جمادى الآخرة"}, {7, "رجب"}, {8, "شعبان"},
		{9, "رمضان"}, {10, "شوال"}, {11, "ذو القعدة"}, {12, "ذو الحجة"},
		{0, ""}, {13, ""}, {-1, ""},
	}
	for _, tt := range tests {
		if got := HijriMonthName(tt.m); got != tt.want {
			t.Errorf("HijriMonthName(%d) = %q, want %q", tt.m, got, tt.want)
		}
	}
	if got := hijriMonthNameEnglish(9); got != "Ramadan" {
		t.Errorf("hijriMonthNameEnglish(9) = %q", got)
	}
	if got := hijriMonthNameEnglish(13); got != "" {
		t.Errorf("hijriMonthNameEnglish(13) = %q", got)
	}
}
