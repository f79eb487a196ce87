package translate

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Segment markers: a line "[[[n]]]" before segment n. The texts sent never
// hold a "[" of their own (the pipeline turns source brackets into
// placeholders), so a marker cannot be confused with content.
func marker(n int) string { return "[[[" + strconv.Itoa(n) + "]]]" }

var markerRe = regexp.MustCompile(`\[\[\[\s*(?:(\d+)|source\s*[:=]\s*([A-Za-z]{2,3}(?:-[A-Za-z]{2,4})?))\s*\]\]\]`)

var langNames = map[string]string{
	"ar": "Arabic", "en": "English", "fr": "French", "de": "German", "es": "Spanish",
	"ru": "Russian", "tr": "Turkish", "fa": "Persian", "he": "Hebrew", "zh": "Chinese",
	"ja": "Japanese", "it": "Italian", "pt": "Portuguese", "ur": "Urdu", "uk": "Ukrainian",
}

func langName(code string) string {
	if n, ok := langNames[primaryLang(code)]; ok {
		return n + " (" + code + ")"
	}
	return code
}

// systemPrompt states the task and its rules: markers, placeholders,
// numbers, quotation marks, brackets, markup, the glossary, and no
// commentary.
func systemPrompt(b batch) string {
	var p strings.Builder
	from := "the source language"
	if b.from != "" {
		from = langName(b.from)
	}
	fmt.Fprintf(&p, "You are a professional news translator. Translate each segment of the user's message from %s into %s, faithfully and in the register of a news agency.\n\nRules:\n", from, langName(b.to))
	rules := []string{
		"Each segment starts with a marker line such as [[[1]]]. Answer with the same markers, in the same order, each on its own line, each followed by the translation of its segment. Translate every segment: never skip, merge, split or add segments.",
		"Tokens such as ⟦3⟧ stand for protected text (numbers, quotation marks, brackets, names). Copy every token exactly as written, each once, where the grammar of the translation puts it. Never translate, renumber or drop a token.",
		"Keep every number, quotation mark and bracket of the source.",
	}
	if b.format == FormatHTML {
		rules = append(rules, "Segments are HTML fragments: keep every tag and attribute exactly as it is, in the same order, and translate only the text between tags.")
	}
	if len(b.glossary) > 0 {
		var g strings.Builder
		g.WriteString("Write these names and terms exactly as given, always with this spelling:")
		for _, t := range b.glossary {
			fmt.Fprintf(&g, "\n   - %s → %s", strings.TrimSpace(t.Source), strings.TrimSpace(t.Target))
		}
		rules = append(rules, g.String())
	}
	if b.from == "" {
		rules = append(rules, "Before the first marker, write one line [[[source: xx]]] giving the ISO 639-1 code of the source language.")
	}
	rules = append(rules, "Output only the markers and the translations: no notes, explanations, comments, quotation of the source or code fences.")
	for k, r := range rules {
		fmt.Fprintf(&p, "%d. %s\n", k+1, r)
	}
	return p.String()
}

func userPrompt(texts []string) string {
	var b strings.Builder
	for k, t := range texts {
		if k > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(marker(k + 1))
		b.WriteByte('\n')
		b.WriteString(t)
	}
	return b.String()
}

// chatAnswer is a parsed chat answer and what is wrong with it.
type chatAnswer struct {
	texts      []string
	detected   string
	model      string
	problem    string // "" when usable as is
	structural bool   // segments missing, added or cut: the answer cannot be mapped back
}

func (a chatAnswer) result() batchResult {
	r := batchResult{texts: a.texts, model: a.model}
	if a.detected != "" {
		r.detected = make([]string, len(a.texts))
		for k := range r.detected {
			r.detected[k] = strings.ToLower(a.detected)
		}
	}
	return r
}

// parseAnswer maps a chat answer back to the batch's texts and checks it:
// every marker once and in range, no empty translation of a non-empty
// text, every placeholder of a text in its translation, and for HTML the
// same tags in the same order.
func parseAnswer(content string, b batch) chatAnswer {
	content = stripFence(content)
	var a chatAnswer
	found := map[int]string{}
	locs := markerRe.FindAllStringSubmatchIndex(content, -1)
	var dup []int
	for k, m := range locs {
		end := len(content)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		if m[4] >= 0 {
			a.detected = content[m[4]:m[5]]
			continue
		}
		n, _ := strconv.Atoi(content[m[2]:m[3]])
		if _, seen := found[n]; seen {
			dup = append(dup, n)
		}
		found[n] = strings.TrimSpace(content[m[1]:end])
	}
	var missing, extra []int
	for n := 1; n <= len(b.texts); n++ {
		if _, ok := found[n]; !ok {
			missing = append(missing, n)
		}
	}
	for n := range found {
		if n < 1 || n > len(b.texts) {
			extra = append(extra, n)
		}
	}
	slices.Sort(extra)
	switch {
	case len(missing) > 0:
		a.problem = fmt.Sprintf("segments %s are missing; there are %d segments, [[[1]]] to [[[%d]]]", ints(missing), len(b.texts), len(b.texts))
	case len(extra) > 0 || len(dup) > 0:
		a.problem = fmt.Sprintf("there are exactly %d segments, [[[1]]] to [[[%d]]], each once", len(b.texts), len(b.texts))
	}
	if a.problem != "" {
		a.structural = true
		return a
	}
	a.texts = make([]string, len(b.texts))
	for n := 1; n <= len(b.texts); n++ {
		a.texts[n-1] = found[n]
	}
	var empty, lostPH, badTags []int
	for k, src := range b.texts {
		out := a.texts[k]
		if out == "" && strings.TrimSpace(src) != "" {
			empty = append(empty, k+1)
			continue
		}
		want, got := placeholderCounts(src), placeholderCounts(out)
		for _, n := range slices.Sorted(maps.Keys(want)) {
			if got[n] < want[n] {
				lostPH = append(lostPH, k+1)
				break
			}
		}
		if b.format == FormatHTML && !slices.Equal(markupSignature(src), markupSignature(out)) {
			badTags = append(badTags, k+1)
		}
	}
	switch {
	case len(empty) > 0:
		a.problem, a.structural = fmt.Sprintf("segments %s have no translation", ints(empty)), true
	case len(lostPH) > 0:
		a.problem = fmt.Sprintf("segments %s lost tokens such as ⟦1⟧; copy every token", ints(lostPH))
	case len(badTags) > 0:
		a.problem = fmt.Sprintf("segments %s changed the HTML tags; keep every tag", ints(badTags))
	}
	return a
}

// stripFence removes Markdown code-fence lines (``` or ```text), which
// chat models wrap answers in although told not to; news copy never has
// such a line.
func stripFence(s string) string {
	return fenceRe.ReplaceAllString(s, "")
}

var fenceRe = regexp.MustCompile("(?m)^[ \t]*```[A-Za-z0-9_-]*[ \t]*$")

func ints(ns []int) string {
	s := make([]string, len(ns))
	for k, n := range ns {
		s[k] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
