// Package search finds posts by the words readers remember, in Arabic and
// English, on SQLite and PostgreSQL alike.
//
// The Analyzer does all the language work in Go: Arabic is normalized
// (diacritics, tatweel, alef, hamza, alef maqsura and taa marbuta forms,
// digits), stripped of stopwords and stemmed with the Snowball stemmer and a
// few light steps; English is stemmed with Snowball's English stemmer;
// foreign names get a skeleton key (ديمترييف and ديميتريف share دمترف).
// Its terms are stored as text in search_docs and indexed by FTS5 on SQLite
// and a GIN-indexed tsvector on PostgreSQL, which only ever compare terms,
// so that both stores find the same posts for the same query.
//
// Ranking is done in Go too, over the best candidates each store returns,
// so that both stores order results the same way: title matches count more
// than body matches, a word's own form more than its variants, and a
// skeleton match least; ties go to the newest post.
//
// The index follows content: Index.Sync re-analyzes the posts whose version
// changed since they were indexed (deleted posts leave with their rows),
// Index.Follow runs it on every content change notice, and Reindex rebuilds
// everything (`nashra reindex`). Whether a post is live is judged when
// searching, from the posts table, so that unpublishing or deleting a post
// hides it at once, before any pass.
package search
