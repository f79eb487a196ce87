// Package wire is the wire desk's foundation: it fetches outside feeds and
// pages without letting a feed URL reach the newsroom's own network, parses
// RSS, Atom, RDF and JSON Feed into one normalized Item, extracts an article's
// text from its page, guesses its language, and groups the same story arriving
// from several sources.
//
// Everything here treats its input as hostile: every fetch goes through an
// SSRF-safe client (fetch.go, netguard.go), every parser returns a clear error
// instead of panicking, and every size is bounded.
//
// The Desk (desk.go, sources.go, poll.go, ingest.go, items.go, draft.go)
// builds the wire desk on these parts: the sources in wire_sources, polled
// by a periodic job (jobs.go) with per-source isolation, timeouts and
// backoff; their items in wire_items, deduplicated and grouped by story;
// drafts and auto-published posts made of them, crediting the source.
//
// Translation providers live apart, in wire/translate.
package wire
