package wire

import (
	"testing"
	"time"
)

func TestParseFeedDate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	cases := []struct {
		in   string
		want time.Time
	}{
		{"Thu, 30 Apr 2015 08:57:00 MET", utc(2015, 4, 30, 7, 57, 0)},
		{"Mon, 26 January 2004 16:31:00 ET", utc(2004, 1, 26, 21, 31, 0)},
		{"Wed, 19 Feb 2012 22:40:00 GMT-01:01", utc(2012, 2, 19, 23, 41, 0)},
		{"2004-07-08 23:56:58 -00:20", utc(2004, 7, 9, 0, 16, 58)},
		{"2003-12", utc(2003, 12, 1, 0, 0, 0)},
		{"2024-03-01T10:00:00+03:00", utc(2024, 3, 1, 7, 0, 0)},
		{"٢٠٢٤-٠٣-٠١T١٠:٠٠:٠٠+03:00", utc(2024, 3, 1, 7, 0, 0)},
		{"الأحد، 3 مارس 2024 10:15:00 +0300", utc(2024, 3, 3, 7, 15, 0)},
		{"٣ آذار ٢٠٢٤", utc(2024, 3, 3, 0, 0, 0)},
		{"12 كانون الأول 2023 08:00 GMT", utc(2023, 12, 12, 8, 0, 0)},
		{"5 جانفي 2025", utc(2025, 1, 5, 0, 0, 0)},
		{"March 5, 2024 at 9:30", utc(2024, 3, 5, 9, 30, 0)},
		{"31 Feb 2024", time.Time{}},
		{"2013-01-27-01", time.Time{}},
		{"yesterday", time.Time{}},
		{"", time.Time{}},
	}
	for _, c := range cases {
		if got := parseFeedDate(c.in); !got.Equal(c.want) {
			t.Errorf("parseFeedDate(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
