package wire

import (
	"math/bits"
	"unicode"

	"nashra.dev/nashra/internal/arabic"
)

// shingleSize is the number of consecutive words hashed together. Measured
// on the fixture articles (TestSimHashNearDuplicates): single words put two
// different articles as close as 5 bits, so common words drown the rest;
// pairs 13 bits; triples 19 bits, while copies with a credit line added or
// one word in a hundred changed stay 3–4 bits from the original on average.
const shingleSize = 3

// SimHash is the 64-bit Charikar fingerprint of a text, over its word
// shingles (three consecutive words), the text folded first by
// arabic.Normalize (the search index's folding: harakat, tatweel, alef and
// hamza forms, ta marbuta, Arabic-Indic digits) and then by foldRune: texts that share
// most of their shingles have fingerprints a few bits apart (see Hamming).
// The value is stable across processes and versions of Go, so it can be
// stored. A text without words gives 0.
func SimHash(text string) uint64 {
	h, _ := simHash(text, shingleSize)
	return h
}

// simHash also returns the number of words read.
func simHash(text string, k int) (uint64, int) {
	text = arabic.Normalize(text)
	var acc [64]int32
	window := make([]uint64, 0, k)
	words, features := 0, 0
	add := func(h uint64) {
		features++
		for i := range 64 { // branchless: the bits are coin flips, a branch would mispredict half the time
			acc[i] += int32(h>>uint(i)&1)*2 - 1
		}
	}
	eachWord(text, func(w uint64) {
		words++
		if len(window) == k {
			copy(window, window[1:])
			window = window[:k-1]
		}
		window = append(window, w)
		if len(window) == k {
			add(combine(window))
		}
	})
	if words > 0 && words < k {
		add(combine(window)) // a text shorter than one shingle is one feature
	}
	if features == 0 {
		return 0, 0
	}
	var out uint64
	for i := range 64 {
		if acc[i] > 0 {
			out |= 1 << uint(i)
		}
	}
	return out, words
}

// Hamming is the number of bits in which two fingerprints differ.
func Hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// eachWord calls fn with the hash of each folded word of text, without
// allocating per word. A Han or kana character is a word by itself: Chinese
// and Japanese write no spaces.
func eachWord(text string, fn func(uint64)) {
	const offset, prime = 14695981039346656037, 1099511628211
	h, n := uint64(offset), 0
	for _, r := range text {
		r = foldRune(r)
		if r < 0 {
			continue // dropped inside the word: a diacritic, tatweel
		}
		if r >= 0x3040 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			if n > 0 {
				fn(mix64(h))
			}
			fn(mix64((uint64(offset) ^ uint64(r)) * prime))
			h, n = offset, 0
			continue
		}
		if r == ' ' {
			if n > 0 {
				fn(mix64(h))
			}
			h, n = offset, 0
			continue
		}
		// FNV-1a over the rune's UTF-8-independent value.
		for v := uint32(r); ; v >>= 8 {
			h = (h ^ uint64(v&0xff)) * prime
			if v < 0x100 {
				break
			}
		}
		n++
	}
	if n > 0 {
		fn(mix64(h))
	}
}

// foldRune maps a rune of arabic.Normalize's output to its folded form for
// fingerprints: letters lowercased, -1 for runes that vanish inside a word
// (nonspacing marks of any script, the apostrophes of "don't") and ' ' for
// word separators.
func foldRune(r rune) rune {
	switch r {
	case 'ـ', '\'', '’', 'ʼ', '\u00AD', '\u200C', '\u200D':
		return -1
	}
	switch {
	case unicode.Is(unicode.Mn, r):
		return -1
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return unicode.ToLower(r)
	}
	return ' '
}

// combine hashes a shingle from its words' hashes, order-sensitively.
func combine(words []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, w := range words {
		h = mix64(h ^ w)
	}
	return h
}

// mix64 is SplitMix64's finalizer: FNV's low bits are poorly spread, and
// SimHash needs every bit of every feature to be a fair coin.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}
