package translate

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// engine is one provider's HTTP API, seen by the shared pipeline: it
// translates a batch of protected texts, one answer per text, in order.
type engine interface {
	name() string
	limits() limits
	// glossary prepares g for a translation from → to and reports whether
	// the engine applies it itself (DeepL glossaries, the chat prompt); when
	// it does not, the pipeline protects the terms with placeholders. The
	// handle is passed back in every batch.
	glossary(ctx context.Context, from, to string, g Glossary) (handle string, native bool, err error)
	translate(ctx context.Context, b batch) (batchResult, error)
}

// limits are an engine's request sizes, in bytes of protected text.
type limits struct {
	piece      int // one text
	batchItems int // texts per request
	batchBytes int // all texts of a request
}

type batch struct {
	texts          []string
	from, to       string // normalised codes; from "" means detect
	format         Format
	glossary       Glossary // the request's glossary, for engines that apply it
	glossaryHandle string
}

type batchResult struct {
	texts    []string
	detected []string // per text, "" when not reported; may be nil
	model    string
}

// pipeline is the Provider shared by all engines: it validates, segments,
// protects, batches, restores, reviews and reassembles, so that each engine
// only speaks its HTTP API.
type pipeline struct {
	eng engine
}

func (p *pipeline) Name() string { return p.eng.name() }

// Translate implements Provider.
func (p *pipeline) Translate(ctx context.Context, req Request) (Result, error) {
	req, err := req.validate()
	if err != nil {
		return Result{}, withProvider(err, p.eng.name())
	}
	var units []unit
	if len(req.Segments) > 0 {
		for _, s := range req.Segments {
			units = append(units, unit{text: s, sep: "\n\n"})
		}
		units[len(units)-1].sep = ""
	} else {
		units = paragraphs(req.Text, req.Format)
	}
	res := Result{Source: req.Text, Provider: p.eng.name()}
	if len(req.Segments) > 0 {
		res.Source = strings.Join(req.Segments, "\n\n")
	}

	handle, native := "", false
	if len(req.Glossary) > 0 {
		handle, native, err = p.eng.glossary(ctx, req.From, req.To, req.Glossary)
		if err != nil {
			return Result{}, err
		}
	}

	lim := p.eng.limits()
	var pieces []piece
	for u, un := range units {
		// A Segment may hold paragraphs of its own: they are sent apart, so
		// that no engine has to keep a blank line inside a text.
		for _, para := range paragraphs(un.text, req.Format) {
			parts := split(para.text, lim.piece, req.Format)
			for k, part := range parts {
				pc := newPiece(u, part)
				if k == len(parts)-1 {
					pc.trail += para.sep
				}
				pieces = append(pieces, pc)
			}
		}
	}
	prot := make([]protected, len(pieces))
	var todo []int // pieces with something to translate
	for k, pc := range pieces {
		if strings.TrimSpace(visibleText(pc.core, req.Format)) == "" {
			continue
		}
		prot[k] = protect(pc.core, req.Format, req.Glossary, native)
		todo = append(todo, k)
	}

	out := make([]string, len(pieces))
	for k, pc := range pieces {
		out[k] = pc.core // untranslatable pieces (markup, blanks) pass through
	}
	detected := map[string]int{}
	for _, idx := range batches(todo, prot, lim) {
		b := batch{from: req.From, to: req.To, format: req.Format, glossary: req.Glossary, glossaryHandle: handle}
		for _, k := range idx {
			b.texts = append(b.texts, prot[k].text)
		}
		r, err := p.translateSplitting(ctx, b)
		if err != nil {
			return Result{}, err
		}
		for n, k := range idx {
			out[k] = r.texts[n]
			if n < len(r.detected) && r.detected[n] != "" {
				detected[strings.ToLower(r.detected[n])]++
			}
		}
		if r.model != "" {
			res.Model = r.model
		}
	}
	res.DetectedFrom = mostCommon(detected)

	// Restore, rejoin pieces into units, unify names, review.
	texts := make([]string, len(units))
	lost := make([][]token, len(units))
	var b strings.Builder
	for k, pc := range pieces {
		text := out[k]
		if prot[k].text != "" {
			var l []token
			text, l = prot[k].restore(text)
			lost[pc.unit] = append(lost[pc.unit], l...)
		}
		texts[pc.unit] += pc.lead + text + pc.trail
	}
	for u, un := range units {
		text := texts[u]
		if len(req.Glossary) > 0 {
			var changes []Change
			text, changes = unifyText(text, req.Format, req.Glossary)
			for _, c := range changes {
				res.Warnings = append(res.Warnings, Warning{Segment: u, Code: WarnSpellingUnified,
					Message: fmt.Sprintf("spelling unified: %s → %s (%d×)", c.From, c.To, c.Count)})
			}
		}
		for _, w := range lostWarnings(lost[u]) {
			w.Segment = u
			res.Warnings = append(res.Warnings, w)
		}
		for _, w := range review(un.text, text, req.Format, req.To, req.Glossary) {
			w.Segment = u
			res.Warnings = append(res.Warnings, w)
		}
		res.Segments = append(res.Segments, Segment{Source: un.text, Text: text})
		b.WriteString(text)
		b.WriteString(un.sep)
	}
	res.Text = b.String()
	return res, nil
}

// translateSplitting sends b, and when the provider finds it too large (or,
// for the chat API, answers it with segments missing) sends each half on
// its own, down to single texts.
func (p *pipeline) translateSplitting(ctx context.Context, b batch) (batchResult, error) {
	r, err := p.eng.translate(ctx, b)
	if err == nil && len(r.texts) != len(b.texts) {
		err = &Error{Provider: p.eng.name(), Kind: ErrBadAnswer,
			Message: fmt.Sprintf("%d translations for %d texts", len(r.texts), len(b.texts)), tooLarge: true}
	}
	var e *Error
	if err == nil || len(b.texts) < 2 || !errors.As(err, &e) || !e.tooLarge {
		return r, err
	}
	half := len(b.texts) / 2
	left, right := b, b
	left.texts, right.texts = b.texts[:half], b.texts[half:]
	r1, err := p.translateSplitting(ctx, left)
	if err != nil {
		return r1, err
	}
	r2, err := p.translateSplitting(ctx, right)
	if err != nil {
		return r2, err
	}
	r1.texts = append(r1.texts, r2.texts...)
	if r1.detected != nil || r2.detected != nil {
		d := make([]string, len(left.texts), len(b.texts))
		copy(d, r1.detected)
		d2 := make([]string, len(right.texts))
		copy(d2, r2.detected)
		r1.detected = append(d, d2...)
	}
	if r2.model != "" {
		r1.model = r2.model
	}
	return r1, nil
}

// batches groups the pieces to translate, in order, within the engine's
// per-request limits.
func batches(todo []int, prot []protected, lim limits) [][]int {
	var out [][]int
	var cur []int
	size := 0
	for _, k := range todo {
		n := len(prot[k].text)
		if len(cur) > 0 && ((lim.batchItems > 0 && len(cur) >= lim.batchItems) || (lim.batchBytes > 0 && size+n > lim.batchBytes)) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, k)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// unifyText applies Glossary.Unify to the text of s only (never to markup).
func unifyText(s string, format Format, g Glossary) (string, []Change) {
	var b strings.Builder
	var all []Change
	for _, sp := range textSpans(s, format) {
		part := s[sp.start:sp.end]
		if !sp.markup {
			var ch []Change
			part, ch = g.Unify(part)
			all = mergeChanges(all, ch)
		}
		b.WriteString(part)
	}
	return b.String(), all
}

func mergeChanges(all, more []Change) []Change {
next:
	for _, c := range more {
		for k := range all {
			if all[k].From == c.From && all[k].To == c.To {
				all[k].Count += c.Count
				continue next
			}
		}
		all = append(all, c)
	}
	return all
}

// lostWarnings words the placeholders an engine dropped that review cannot
// see: a literal ⟦ or ⟧ of the source. Lost numbers, quotation marks,
// brackets and names show in the result, and review reports them.
func lostWarnings(lost []token) []Warning {
	var ws []Warning
	for _, t := range lost {
		if t.kind == tokEscape {
			ws = append(ws, Warning{Code: WarnPlaceholderLost, Message: fmt.Sprintf("%s missing", t.orig)})
		}
	}
	return ws
}

func mostCommon(m map[string]int) string {
	best, n := "", 0
	for k, c := range m {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}

func withProvider(err error, name string) error {
	var e *Error
	if errors.As(err, &e) && e.Provider == "" {
		e.Provider = name
	}
	return err
}
