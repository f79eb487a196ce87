package wire

import (
	"encoding/json"
	"html"
	"testing"
	"time"
)

// TestFeedDateVectors runs feedparser's 72 date strings through an RSS
// pubDate: none may break parsing, none that feedparser finds unreadable may
// come out as a date, and the share read right is reported.
func TestFeedDateVectors(t *testing.T) {
	var vectors []struct {
		Parser   string `json:"parser"`
		Input    string `json:"input"`
		Expected []int  `json:"expected_time_struct_utc"`
	}
	if err := json.Unmarshal(readFixture(t, "feeds", "feedparser-dates", "date-parser-vectors.json"), &vectors); err != nil {
		t.Fatal(err)
	}
	right, wrong, missed, want := 0, 0, 0, 0
	for _, v := range vectors {
		doc := `<rss version="2.0"><channel><title>d</title><item><title>x</title><pubDate>` +
			html.EscapeString(v.Input) + `</pubDate></item></channel></rss>`
		f, err := ParseFeed([]byte(doc), "", "")
		if err != nil || len(f.Items) != 1 {
			t.Errorf("%s %q: %v", v.Parser, v.Input, err)
			continue
		}
		got := f.Items[0].Published
		if v.Expected == nil {
			if !got.IsZero() {
				t.Logf("%-10s %-40q read as %v, feedparser finds no date", v.Parser, v.Input, got)
			}
			continue
		}
		want++
		e := v.Expected
		exp := time.Date(e[0], time.Month(e[1]), e[2], e[3], e[4], e[5], 0, time.UTC)
		switch {
		case got.IsZero():
			missed++
			t.Logf("%-10s %-40q not read (want %v)", v.Parser, v.Input, exp)
		case got.Truncate(time.Second).Equal(exp):
			right++
		default:
			wrong++
			t.Logf("%-10s %-40q read as %v, want %v", v.Parser, v.Input, got, exp)
		}
	}
	t.Logf("dates: %d of %d read right, %d wrong, %d not read", right, want, wrong, missed)
}
