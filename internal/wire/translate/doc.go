// Package translate is the wire desk's machine-translation layer: one
// Provider interface over the LibreTranslate API, the DeepL API and any
// OpenAI-compatible chat-completions API, each configured by URL and key
// (see Config and New).
//
// A translation is a draft for an editor, not copy: Result keeps every
// source paragraph beside its translation, and lists in Warnings what the
// editor should check. Between the caller and the provider the package
//
//   - cuts long texts into paragraphs, and paragraphs that exceed the
//     provider's size limit at sentence ends, and reassembles them in order
//     with the source's own breaks (HTML is cut after block elements and its
//     markup is sent as HTML where the API supports it);
//   - protects with placeholders (⟦1⟧) what must not be rewritten:
//     glossary names, which come back in their glossary spelling, numbers,
//     quotation marks and square brackets, and restores them afterwards;
//   - unifies the spellings of glossary names in the output (ديميتريف →
//     ديمترييف when the glossary writes ديمترييف);
//   - reviews the result against the source: every number present (Latin
//     and Arabic-Indic digits equal), brackets kept and translated,
//     quotation marks, names, and HTML tags.
//
// Requests go through one client per Provider: a per-attempt timeout,
// a requests-per-second limiter shared by all goroutines, and bounded
// retries with exponential backoff and jitter on 429, 5xx and network
// errors that honour Retry-After. Failures wrap ErrAuth, ErrQuota,
// ErrRateLimited, ErrBadRequest, ErrUnavailable or ErrBadAnswer, in an
// *Error carrying the provider's message; API keys never appear in errors
// or logs.
package translate
