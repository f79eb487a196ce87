package site

import (
	"testing"
	"time"

	"nashra.dev/nashra/internal/settings"
)

// Comment counts take Arabic's plural forms (by the number's last two
// digits past 100) and the site's digits; English has two forms.
func TestCommentCountPlurals(t *testing.T) {
	arabicDigits, latin := settings.Defaults(), settings.Defaults()
	arabicDigits.Digits, latin.Digits = "arabic", "latin"
	ar := &state{site: arabicDigits, loc: time.UTC}
	la := &state{site: latin, loc: time.UTC}
	for _, c := range []struct {
		st   *state
		lang string
		n    int
		want string
	}{
		{ar, "ar", 1, "تعليق واحد"},
		{ar, "ar", 2, "تعليقان"},
		{ar, "ar", 3, "٣ تعليقات"},
		{ar, "ar", 10, "١٠ تعليقات"},
		{ar, "ar", 11, "١١ تعليقاً"},
		{ar, "ar", 99, "٩٩ تعليقاً"},
		{ar, "ar", 100, "١٠٠ تعليق"},
		{ar, "ar", 102, "١٠٢ تعليق"},
		{ar, "ar", 103, "١٠٣ تعليقات"},
		{ar, "ar", 111, "١١١ تعليقاً"},
		{ar, "ar", 1000, "١٠٠٠ تعليق"},
		{ar, "ar-EG", 5, "٥ تعليقات"},
		{la, "ar", 5, "5 تعليقات"},
		{la, "ar", 25, "25 تعليقاً"},
		{ar, "en", 1, "1 comment"},
		{ar, "en", 2, "2 comments"}, // Arabic-Indic digits are for Arabic pages only
		{ar, "en", 11, "11 comments"},
		{la, "fr", 3, "3 comments"}, // the English catalog, English's rules
	} {
		if got := commentCountIn(c.st, c.lang, c.n); got != c.want {
			t.Errorf("%s, %d (%s digits): %q, want %q", c.lang, c.n, c.st.site.Digits, got, c.want)
		}
	}
}
