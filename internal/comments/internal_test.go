package comments

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/staff"
)

// moderatorRoles must be the roles internal/staff lets moderate comments.
func TestModeratorRolesMatchStaff(t *testing.T) {
	var want []string
	for _, r := range staff.Roles {
		if r.Can(staff.CapModerateComments) {
			want = append(want, string(r))
		}
	}
	if !slices.Equal(want, moderatorRoles()) {
		t.Fatalf("moderatorRoles = %v, staff says %v", moderatorRoles(), want)
	}
}

// Every avatar colour keeps white initials readable (WCAG contrast 4.5:1).
func TestAvatarContrast(t *testing.T) {
	lin := func(c float64) float64 {
		c /= 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	for h := 0.0; h < 360; h += 0.5 {
		hex := hslHex(h, 0.55, 0.30)
		v, err := strconv.ParseUint(hex[1:], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		r, g, b := float64(v>>16), float64(v>>8&0xff), float64(v&0xff)
		l := 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
		if ratio := 1.05 / (l + 0.05); ratio < 4.5 {
			t.Fatalf("hue %v: %s has contrast %.2f with white", h, hex, ratio)
		}
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Lina Haddad": "LH", "ليلى حداد": "ل\u200cح", "ليلى": "ل", "lina": "L", "  ": "?", "!!": "?",
		"ليلى بنت أحمد الحداد": "ل\u200cا", "Ahmad العلي": "Aا", "42 Street": "4S",
	} {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextDir(t *testing.T) {
	for in, want := range map[string]string{
		"مرحبا hello": "rtl", "hello مرحبا": "ltr", "123 مرحبا": "rtl", "!!! 42": "rtl", "**bold** text": "ltr",
	} {
		if got := textDir(in, "rtl"); got != want {
			t.Errorf("textDir(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchRules(t *testing.T) {
	c := &Comment{AuthorName: "Cheap Pills", AuthorEmail: "x@mail.spam.example", AuthorURL: "https://shop.bad.example/p",
		Body: "buy now", IP: "203.0.113.77", UserAgent: "curl/8"}
	rule := func(k BlockKind, v string, e BlockEffect) BlockRule { return BlockRule{Kind: k, Value: v, Effect: e} }
	for _, tc := range []struct {
		rules []BlockRule
		want  string // the matching rule's value, or ""
	}{
		{[]BlockRule{rule(BlockWord, "pills", EffectSpam)}, "pills"},
		{[]BlockRule{rule(BlockWord, "viagra", EffectSpam)}, ""},
		{[]BlockRule{rule(BlockWord, "curl", EffectHold)}, "curl"}, // the user agent
		{[]BlockRule{rule(BlockEmail, "x@mail.spam.example", EffectHold)}, "x@mail.spam.example"},
		{[]BlockRule{rule(BlockEmail, "y@mail.spam.example", EffectHold)}, ""},
		{[]BlockRule{rule(BlockDomain, "spam.example", EffectSpam)}, "spam.example"},
		{[]BlockRule{rule(BlockDomain, "bad.example", EffectSpam)}, "bad.example"}, // the website
		{[]BlockRule{rule(BlockDomain, "am.example", EffectSpam)}, ""},             // not a subdomain
		{[]BlockRule{rule(BlockIP, "203.0.113.0/24", EffectSpam)}, "203.0.113.0/24"},
		{[]BlockRule{rule(BlockIP, "203.0.113.77", EffectSpam)}, "203.0.113.77"},
		{[]BlockRule{rule(BlockIP, "198.51.100.0/24", EffectSpam)}, ""},
		// Spam wins over hold, whatever the order.
		{[]BlockRule{rule(BlockWord, "buy", EffectHold), rule(BlockIP, "203.0.113.77", EffectSpam), rule(BlockWord, "now", EffectHold)}, "203.0.113.77"},
	} {
		got := matchRules(tc.rules, c)
		if (got == nil) != (tc.want == "") || (got != nil && got.Value != tc.want) {
			t.Errorf("rules %+v: matched %+v, want %q", tc.rules, got, tc.want)
		}
	}
}

// The sanitizer is the second line: goldmark's subset already emits no raw
// HTML, so test the allow-list on its own with what it must stop.
func TestPolicyAlone(t *testing.T) {
	p := NewRenderer().policy
	for in, bad := range map[string]string{
		`<script>alert(1)</script>x`:                       "<script",
		`<img src=x onerror=alert(1)>`:                     "<img",
		`<a href="javascript:alert(1)">x</a>`:              "javascript",
		`<a href="data:text/html,x">x</a>`:                 "data:",
		`<a href="/relative">x</a>`:                        "href",
		`<a href="https://ok.example" onclick="x()">x</a>`: "onclick",
		`<p style="color:red" dir="rtl">x</p>`:             "style",
		`<p dir="rtl">x</p>`:                               "dir",
		`<code class="evil">x</code>`:                      "class",
		`<a href="https://ok.example" rel="author">x</a>`:  "author",
		`<h1>x</h1><table><tr><td>x</td></tr></table>`:     "<h1",
		`<iframe src="https://ok.example"></iframe>`:       "<iframe",
		`<svg><a href="javascript:alert(1)">x</a></svg>`:   "javascript",
		`<a href="https://ok.example" title="x">x</a>`:     "noreferrer", // never asked for; ensures the check below is meaningful
	} {
		out := p.Sanitize(in)
		if strings.Contains(out, bad) {
			t.Errorf("Sanitize(%q) = %q: contains %q", in, out, bad)
		}
	}
	if out := p.Sanitize(`<a href="https://ok.example">x</a>`); !strings.Contains(out, `rel="nofollow"`) {
		t.Errorf("a link without rel: %q", out)
	}
}
