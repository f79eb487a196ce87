// Package arabic holds the pure text functions an Arabic-first (RTL)
// publishing platform needs: URL slugs that keep Arabic letters, digit
// conversion, text direction of a language tag, the tabular Hijri calendar,
// Arabic and English date formatting, bidi isolation of Latin runs inside
// RTL text and HTML, and word counts.
//
// Every function is pure: no I/O, no package-level mutable state, and safe
// for concurrent use. Functions that take arbitrary text accept invalid
// UTF-8 without panicking.
package arabic
