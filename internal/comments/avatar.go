package comments

import (
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// avatar derives a commenter's public avatar from their address: an ID
// (16 hex digits of an HMAC of the address under a key derived from the
// site's secret) and a colour taken from the same bytes. Without the
// secret neither can be traced back to the address, nor compared with an
// MD5 or SHA-256 of it (the Gravatar leak), yet both are stable, so one
// commenter keeps one colour across the site.
func (s *Service) avatar(email string) (id, color string) {
	sum := mac(s.keys.avatar, []byte(strings.ToLower(strings.TrimSpace(email))))
	id = hex.EncodeToString(sum[:8])
	hue := float64(uint16(sum[8])<<8|uint16(sum[9])) / 65536 * 360
	// Saturation and lightness fixed where white initials stay readable
	// (contrast at least 4.5:1 for every hue: see the test).
	return id, hslHex(hue, 0.55, 0.30)
}

// hslHex converts a colour from HSL (h in degrees, s and l in 0..1) to
// CSS's #rrggbb.
func hslHex(h, s, l float64) string {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	to := func(v float64) int { return int(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", to(r), to(g), to(b))
}

// initials are what an avatar shows: the first letter of the first and
// of the last word of the name ("Lina Haddad" → "LH", "ليلى حداد" →
// "ل‌ح"), upper-cased where the script has case. Two Arabic letters are
// kept apart by a zero-width non-joiner, so they read as two initials
// rather than one joined word. A name with no letter gives "?".
func initials(name string) string {
	var first []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				first = append(first, unicode.ToUpper(r))
				break
			}
		}
	}
	switch len(first) {
	case 0:
		return "?"
	case 1:
		return string(first[0])
	}
	a, b := first[0], first[len(first)-1]
	if unicode.Is(unicode.Arabic, a) && unicode.Is(unicode.Arabic, b) {
		return string(a) + "\u200c" + string(b)
	}
	return string(a) + string(b)
}
