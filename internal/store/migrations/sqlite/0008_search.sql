-- +goose Up
-- Search (internal/search). The analyzer, in Go, turns each post into terms
-- (normalized and stemmed Arabic, stemmed English, skeleton keys of names);
-- search_docs keeps them as space-separated text, and an FTS5 index over
-- that text matches terms exactly: the 'ascii' tokenizer splits on ASCII
-- spaces and punctuation only and keeps every non-ASCII letter, so SQLite
-- never re-analyzes what the analyzer made (its unicode61 tokenizer does
-- not know Arabic). PostgreSQL indexes the same terms, so both stores match
-- the same posts.

CREATE TABLE search_docs (
    post_id     INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,          -- posts.version the terms were made from
    analyzer    INTEGER NOT NULL,          -- the analyzer's version: a newer one re-analyzes
    lang        TEXT NOT NULL DEFAULT '',
    indexed_at  DATETIME NOT NULL,
    title_terms TEXT NOT NULL DEFAULT '',  -- title and tags
    body_terms  TEXT NOT NULL DEFAULT '',  -- standfirst, body, source credit
    alt_terms   TEXT NOT NULL DEFAULT ''   -- distinct skeleton keys, ranked low
);

-- External content: the index stores no copy of the terms.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_terms, body_terms, alt_terms,
    content = 'search_docs', content_rowid = 'post_id', tokenize = 'ascii'
);

-- The triggers keep the index in step with search_docs, including the rows
-- a deleted post takes with it (ON DELETE CASCADE fires them too).
-- +goose StatementBegin
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title_terms, body_terms, alt_terms)
    VALUES (new.post_id, new.title_terms, new.body_terms, new.alt_terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_terms, body_terms, alt_terms)
    VALUES ('delete', old.post_id, old.title_terms, old.body_terms, old.alt_terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_au AFTER UPDATE OF title_terms, body_terms, alt_terms ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_terms, body_terms, alt_terms)
    VALUES ('delete', old.post_id, old.title_terms, old.body_terms, old.alt_terms);
    INSERT INTO search_fts (rowid, title_terms, body_terms, alt_terms)
    VALUES (new.post_id, new.title_terms, new.body_terms, new.alt_terms);
END;
-- +goose StatementEnd

-- The index follows posts changed since its last pass.
CREATE INDEX posts_updated ON posts (updated_at);

-- +goose Down
DROP INDEX posts_updated;
DROP TRIGGER search_docs_au;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_ai;
DROP TABLE search_fts;
DROP TABLE search_docs;
