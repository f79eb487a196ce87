package arabic

import "testing"

func TestTextDirection(t *testing.T) {
	for in, want := range map[string]string{
		"النشرة":           "rtl",
		"  «النشرة» Daily": "rtl",
		"Daily النشرة":     "ltr",
		"2026 — موجز":      "rtl",
		"שלום":             "rtl",
		"Ünïcode":          "ltr",
		"123 !?":           "",
		"":                 "",
	} {
		if got := TextDirection(in); got != want {
			t.Errorf("TextDirection(%q) = %q, want %q", in, got, want)
		}
	}
}
