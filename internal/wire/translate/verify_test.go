package translate

import (
	"strings"
	"testing"
)

func TestReview(t *testing.T) {
	g := Glossary{{Source: "Peskov", Target: "بيسكوف"}}
	cases := []struct {
		name, src, out string
		format         Format
		to             string
		want           []string // "code: message fragment"; none means no warnings
	}{
		{name: "digits of either kind are equal",
			src: "On 18 March 2022, 500,000 people and 3.5%", out: "في ١٨ مارس ٢٠٢٢، ٥٠٠٬٠٠٠ شخص و٣٫٥٪", to: "ar"},
		{name: "a missing number",
			src: "500 people in 2022", out: "شخص في 2022", to: "ar", want: []string{WarnNumberMissing + ": number 500 missing"}},
		{name: "a repeated number counts twice",
			src: "3 and 3", out: "3 و", to: "ar", want: []string{WarnNumberMissing + ": number 3"}},
		{name: "brackets: missing and untranslated",
			src: "the [Russian] President [Vladimir] Putin", out: "الرئيس [Russian] بوتين", to: "ar",
			want: []string{WarnBracketUntranslated + ": [Russian] left untranslated", WarnBracketMissing + ": bracket [Vladimir] missing"}},
		{name: "a Latin target may keep Latin brackets",
			src: "le [Russian] président", out: "the [Russian] president", to: "en"},
		{name: "quotes and names",
			src: `Peskov said: “wait”`, out: `قال: انتظر`, to: "ar",
			want: []string{WarnQuoteMissing + ": 2 of 2", WarnNameMissing + ": name Peskov (بيسكوف) missing"}},
		{name: "html markup changed, entities are text",
			src: "<p>&#8220;Peskov&#8221; <b>said</b> 18</p>", out: "<p>“بيسكوف” قال ١٨</p>", format: FormatHTML, to: "ar",
			want: []string{WarnMarkupChanged + ": markup changed: source has <p><b></b></p>, translation <p></p>"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			format := tc.format
			if format == "" {
				format = FormatText
			}
			ws := Review(tc.src, tc.out, format, tc.to, g)
			if len(ws) != len(tc.want) {
				t.Fatalf("warnings = %v, want %v", ws, tc.want)
			}
			for _, w := range tc.want {
				code, msg, _ := strings.Cut(w, ": ")
				if !hasWarning(ws, code, msg) {
					t.Errorf("warnings %v lack %s", ws, w)
				}
			}
		})
	}
}
