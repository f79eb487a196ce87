-- +goose Up
-- The wire desk (internal/wire): the outside feeds the newsroom follows,
-- and the items they bring in, deduplicated and grouped by story, waiting
-- in the inbox to become drafts (or published directly by 'auto' sources).

CREATE TABLE wire_sources (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL,
    url              TEXT NOT NULL UNIQUE,
    -- The language the source writes in, when the feed does not say ('' : detect).
    lang             TEXT NOT NULL DEFAULT '',
    -- The section posts made from its items go to.
    category_id      INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    interval_minutes INTEGER NOT NULL DEFAULT 30 CHECK (interval_minutes BETWEEN 5 AND 1440),
    -- 'review': items wait in the inbox; 'auto': items passing the keyword
    -- filters are published at once, with the source credited.
    mode             TEXT NOT NULL DEFAULT 'review' CHECK (mode IN ('review','auto')),
    -- Keyword filters, one per line: an item must contain one of the
    -- include words (when any) and none of the exclude words.
    include_keywords TEXT NOT NULL DEFAULT '',
    exclude_keywords TEXT NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    -- The staff member who added the source: the author of auto-published posts.
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    -- Validators of the last response, for conditional GETs.
    etag             TEXT NOT NULL DEFAULT '',
    last_modified    TEXT NOT NULL DEFAULT '',
    last_polled_at   DATETIME,
    next_poll_at     DATETIME NOT NULL,
    last_status      TEXT NOT NULL DEFAULT 'never' CHECK (last_status IN ('ok','error','never')),
    -- The last failure: its kind (timeout, too_large, redirects, blocked,
    -- unreachable, http_status, malformed, other) and its one-line message.
    last_error_kind  TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    -- Failures in a row; the next poll backs off exponentially with it.
    error_count      INTEGER NOT NULL DEFAULT 0,
    items_found      INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL
);
CREATE INDEX wire_sources_due ON wire_sources (active, next_poll_at);

CREATE TABLE wire_items (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id            INTEGER NOT NULL REFERENCES wire_sources(id) ON DELETE CASCADE,
    guid                 TEXT NOT NULL,
    url                  TEXT NOT NULL DEFAULT '',
    canonical_url        TEXT NOT NULL DEFAULT '',
    title                TEXT NOT NULL DEFAULT '',
    summary              TEXT NOT NULL DEFAULT '',
    -- As the publisher sent it (or as extracted from the page): NOT sanitized.
    content_html         TEXT NOT NULL DEFAULT '',
    content_text         TEXT NOT NULL DEFAULT '',
    authors              TEXT NOT NULL DEFAULT '',
    image                TEXT NOT NULL DEFAULT '',
    lang                 TEXT NOT NULL DEFAULT '',
    published_at         DATETIME,
    fetched_at           DATETIME NOT NULL,
    -- The SimHash of the text as a signed 64-bit integer; NULL when the
    -- text is too short to compare.
    fingerprint          BIGINT,
    -- Items of one story share the id of the story's first item.
    cluster_id           BIGINT NOT NULL DEFAULT 0,
    -- 'published' is an item an 'auto' source published by itself.
    status               TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','drafted','dismissed','published')),
    post_id              INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    -- Why the full text could not be read from the linked page, if it was tried.
    extract_error        TEXT NOT NULL DEFAULT '',
    translated_title     TEXT NOT NULL DEFAULT '',
    translated_text      TEXT NOT NULL DEFAULT '',
    translated_html      TEXT NOT NULL DEFAULT '',
    translated_lang      TEXT NOT NULL DEFAULT '',
    translation_provider TEXT NOT NULL DEFAULT '',
    translation_warnings TEXT NOT NULL DEFAULT '',
    UNIQUE (source_id, guid)
);
CREATE INDEX wire_items_canonical ON wire_items (canonical_url);
CREATE INDEX wire_items_cluster ON wire_items (cluster_id);
CREATE INDEX wire_items_inbox ON wire_items (status, fetched_at DESC, id DESC);
CREATE INDEX wire_items_recent ON wire_items (fetched_at);
CREATE INDEX wire_items_post ON wire_items (post_id);

-- +goose Down
DROP TABLE wire_items;
DROP TABLE wire_sources;
