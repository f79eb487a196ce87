package arabic

import "time"

// The tabular (arithmetical) Islamic calendar with the civil ("Friday")
// epoch and the most common 30-year leap cycle, the one used by Microsoft's
// HijriCalendar ("Kuwaiti algorithm") and ICU's islamic-civil calendar:
// years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of every cycle have 355
// days, the others 354; odd months have 30 days, even months 29, and
// Dhu al-Hijjah 30 in a leap year.
//
// It is a rule, not an observation: dates can differ by a day (rarely two)
// from the Umm al-Qura calendar of Saudi Arabia or from calendars based on
// sighting the crescent, which is what decides Ramadan and Eid in most
// countries. Label it as approximate where that matters.
const (
	// hijriEpochJDN is the Julian Day Number of 1 Muharram 1 AH:
	// Friday 16 July 622 (Julian), 19 July 622 in the proleptic Gregorian
	// calendar that time.Time uses.
	hijriEpochJDN = 1948440
	// unixEpochJDN is the Julian Day Number of 1 January 1970.
	unixEpochJDN = 2440588
	// hijriCycleDays is the length of a 30-year cycle: 30×354 + 11.
	hijriCycleDays = 10631
)

// ToHijri converts the calendar date of t, read in t's own location (not in
// UTC), to the tabular Hijri calendar described above. Months run 1–12.
// Dates before the epoch give years ≤ 0 of the same proleptic arithmetic.
//
// 2025-03-28 is 28 Ramadan 1446; 2024-07-08 is 1 Muharram 1446 (the Umm
// al-Qura calendar began that year a day earlier).
func ToHijri(t time.Time) (year, month, day int) {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return hijriFromJDN(days + unixEpochJDN)
}

// hijriFromJDN converts a Julian Day Number to the tabular Hijri calendar.
func hijriFromJDN(jdn int64) (year, month, day int) {
	n := jdn - hijriEpochJDN // days since 1 Muharram 1 AH
	cycles := floorDiv(n, hijriCycleDays)
	rest := int(n - cycles*hijriCycleDays) // 0 … hijriCycleDays-1
	year = int(cycles)*30 + 1
	for y := 1; ; y++ {
		length := hijriYearDays(y)
		if rest < length {
			break
		}
		rest -= length
		year++
	}
	month = 1
	for {
		length := hijriMonthDays(year, month)
		if rest < length || month == 12 {
			break
		}
		rest -= length
		month++
	}
	return year, month, rest + 1
}

// hijriToJDN is the inverse of hijriFromJDN for valid dates.
func hijriToJDN(year, month, day int) int64 {
	y := int64(year - 1)
	cycles := floorDiv(y, 30)
	jdn := int64(hijriEpochJDN) + cycles*hijriCycleDays
	for i := 1; i <= int(y-cycles*30); i++ {
		jdn += int64(hijriYearDays(i))
	}
	for m := 1; m < month; m++ {
		jdn += int64(hijriMonthDays(year, m))
	}
	return jdn + int64(day-1)
}

// hijriLeap reports whether year (any integer, cycles extend backwards) is
// a leap year of the cycle.
func hijriLeap(year int) bool {
	r := (11*year + 14) % 30
	if r < 0 {
		r += 30
	}
	return r < 11
}

func hijriYearDays(year int) int {
	if hijriLeap(year) {
		return 355
	}
	return 354
}

func hijriMonthDays(year, month int) int {
	if month%2 == 1 || (month == 12 && hijriLeap(year)) {
		return 30
	}
	return 29
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// HijriMonthName returns the Arabic name of Hijri month m (1 = محرم …
// 12 = ذو الحجة), or "" when m is out of range.
func HijriMonthName(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	// A local array literal keeps the table immutable.
	return [12]string{
		"محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
		"رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
	}[m-1]
}

// hijriMonthNameEnglish returns the common English transliteration of Hijri
// month m, or "" when m is out of range.
func hijriMonthNameEnglish(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	return [12]string{
		"Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula", "Jumada al-Akhirah",
		"Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah",
	}[m-1]
}
