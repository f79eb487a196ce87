package wire

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"nashra.dev/nashra/internal/arabic"
)

// zoneOffsets are the zone abbreviations feeds write instead of numeric
// offsets, in seconds east of UTC. Go's time.Parse (and so gofeed) reads an
// abbreviation it does not know as UTC+0, which moves "08:57 MET" by an
// hour. Ambiguous ones (IST, AST) are left out on purpose.
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "ETC/GMT": 0, "WET": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"AT": -4 * 3600, "ET": -5 * 3600, "CT": -6 * 3600, "MT": -7 * 3600, "PT": -8 * 3600,
	"MET": 3600, "MEST": 2 * 3600, "CET": 3600, "CEST": 2 * 3600, "BST": 3600, "WEST": 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600, "TRT": 3 * 3600, "GST": 4 * 3600,
	"PKT": 5 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600,
}

var (
	dayMonthYearRE = regexp.MustCompile(`^(\d{1,2})[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{2,4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$`)
	monthDayYearRE = regexp.MustCompile(`^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4}),?(?:\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$`)
	isoDateRE      = regexp.MustCompile(`^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?)?)?)?\s*(.*)$`)
	weekdayRE      = regexp.MustCompile(`(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*`)
	numericZoneRE  = regexp.MustCompile(`^(?:GMT|UTC|UT)?([+-])(\d{1,2}):?(\d{2})?$`)
)

// monthNames maps month names and abbreviations, English and the three
// Arabic series internal/arabic writes, to months.
var monthNames = func() map[string]time.Month {
	m := make(map[string]time.Month)
	for i := time.January; i <= time.December; i++ {
		name := strings.ToLower(i.String())
		m[name], m[name[:3]] = i, i
	}
	m["sept"] = time.September
	return m
}()

// arabicMonthReplacer turns Arabic month names into English ones and drops
// Arabic weekday names, so the patterns below read Arabic dates too.
var arabicMonthReplacer = func() *strings.Replacer {
	var pairs []string
	for _, style := range []string{"levant", "standard", "maghreb"} { // two-word Levantine names first
		for i := time.January; i <= time.December; i++ {
			pairs = append(pairs, arabic.MonthName(i, "ar", arabic.DateStyle{Months: style}), " "+i.String()+" ")
		}
	}
	for _, d := range []string{"الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"} {
		pairs = append(pairs, d, " ")
	}
	return strings.NewReplacer(append(pairs, "،", ",", "إبريل", " April ")...)
}()

// parseFeedDate reads the dates gofeed's parser leaves unread: zone
// abbreviations and odd offsets ("GMT-01:01", "-00:20"), reduced W3C dates
// ("2003-12"), full month names, slashes, Arabic-Indic digits and Arabic
// month and day names ("الأحد ٣ مارس ٢٠٢٤"). A date without a zone is UTC.
// It returns the zero time when nothing fits.
func parseFeedDate(s string) time.Time {
	s = collapseSpaces(arabicMonthReplacer.Replace(arabic.ToLatinDigits(s)))
	s = strings.TrimLeft(weekdayRE.ReplaceAllString(strings.TrimLeft(s, ", "), ""), ", ")
	if s == "" {
		return time.Time{}
	}
	if m := isoDateRE.FindStringSubmatch(s); m != nil {
		t := buildDate(m[1], m[2], m[3], m[4], m[5], m[6], m[8])
		if frac := m[7]; frac != "" && !t.IsZero() {
			n, _ := strconv.Atoi((frac + "00000000")[:9])
			t = t.Add(time.Duration(n))
		}
		return t
	}
	if m := dayMonthYearRE.FindStringSubmatch(s); m != nil {
		return buildNamedDate(m[3], m[2], m[1], m[4], m[5], m[6], m[7])
	}
	if m := monthDayYearRE.FindStringSubmatch(s); m != nil {
		return buildNamedDate(m[3], m[1], m[2], m[4], m[5], m[6], m[7])
	}
	return time.Time{}
}

func buildNamedDate(year, month, day, hh, mm, ss, zone string) time.Time {
	mon, ok := monthNames[strings.ToLower(month)]
	if !ok {
		return time.Time{}
	}
	return buildDate(year, strconv.Itoa(int(mon)), day, hh, mm, ss, zone)
}

func buildDate(year, month, day, hh, mm, ss, zone string) time.Time {
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return n
	}
	y, mo, d, h, mi, se := num(year, 0), num(month, 1), num(day, 1), num(hh, 0), num(mm, 0), num(ss, 0)
	if len(year) == 2 {
		y += 1900
		if y < 1950 {
			y += 100
		}
	}
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 || mi < 0 || mi > 59 || se < 0 || se > 60 {
		return time.Time{}
	}
	off, ok := parseZone(zone)
	if !ok || (hh == "" && zone != "") {
		return time.Time{}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d {
		return time.Time{} // 31 February
	}
	return t.Add(-time.Duration(off) * time.Second)
}

// parseZone reads what follows the time: nothing (UTC), Z, an abbreviation,
// or a numeric offset with or without "GMT" before it.
func parseZone(z string) (int, bool) {
	z = strings.ToUpper(strings.Trim(z, " ()"))
	if z == "" {
		return 0, true
	}
	if off, ok := zoneOffsets[z]; ok {
		return off, true
	}
	m := numericZoneRE.FindStringSubmatch(z)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	if h > 14 || mi > 59 {
		return 0, false
	}
	off := h*3600 + mi*60
	if m[1] == "-" {
		off = -off
	}
	return off, true
}
