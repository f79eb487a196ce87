package arabic

import (
	"strconv"
	"strings"
	"time"
)

// DateStyle chooses how dates are written for Arabic readers, whose
// conventions differ by region: Gulf and Egyptian sites use the
// transliterated "standard" month names, the Levant and Iraq the Syriac
// names, the Maghreb names borrowed from French.
type DateStyle struct {
	// Digits is "arabic" for Arabic-Indic digits (٢٨) or "latin" (28, the
	// default and what any other value means). It applies to Arabic only.
	Digits string
	// Months is "standard" (يناير فبراير مارس…), "levant" (كانون الثاني
	// شباط آذار…) or "maghreb" (جانفي فيفري مارس…). Any other value,
	// including "", means "standard".
	Months string
	// Hijri appends the tabular Hijri date (see ToHijri).
	Hijri bool
}

// FormatDate writes t's calendar date, read in t's own location.
//
// For Arabic ("ar", "ar-EG"…): "28 مارس 2025", with month names per
// st.Months and digits per st.Digits; with st.Hijri, " / 28 رمضان 1446 هـ"
// follows in the same digits. For any other language it is English:
// "28 March 2025", and " / 28 Ramadan 1446 AH" with st.Hijri; st.Digits and
// st.Months do not apply.
func FormatDate(t time.Time, lang string, st DateStyle) string {
	y, m, d := t.Date()
	arabic := isArabicLang(lang)

	var b strings.Builder
	b.WriteString(strconv.Itoa(d))
	b.WriteByte(' ')
	b.WriteString(MonthName(m, lang, st))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(y))
	if st.Hijri {
		hy, hm, hd := ToHijri(t)
		b.WriteString(" / ")
		b.WriteString(strconv.Itoa(hd))
		b.WriteByte(' ')
		if arabic {
			b.WriteString(HijriMonthName(hm))
		} else {
			b.WriteString(hijriMonthNameEnglish(hm))
		}
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(hy))
		if arabic {
			b.WriteString(" هـ")
		} else {
			b.WriteString(" AH")
		}
	}
	if arabic && arabicDigits(st) {
		return ToArabicIndic(b.String())
	}
	return b.String()
}

// MonthName returns the name of Gregorian month m as FormatDate writes it:
// Arabic names per st.Months when lang is Arabic, English names otherwise.
// Archive titles put the year after it ("مارس 2025"). It returns "" when m
// is not January…December.
func MonthName(m time.Month, lang string, st DateStyle) string {
	if m < time.January || m > time.December {
		return ""
	}
	if !isArabicLang(lang) {
		return m.String()
	}
	i := int(m) - 1
	// Local array literals keep the tables immutable.
	switch strings.ToLower(strings.TrimSpace(st.Months)) {
	case "levant":
		return [12]string{
			"كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
			"تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
		}[i]
	case "maghreb":
		return [12]string{
			"جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان",
			"جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
		}[i]
	}
	return [12]string{
		"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
		"يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
	}[i]
}

func arabicDigits(st DateStyle) bool {
	return strings.EqualFold(strings.TrimSpace(st.Digits), "arabic")
}
