-- +goose Up
-- Times are stored as UTC text in SQLite's own format ("2006-01-02 15:04:05+00:00"),
-- truncated to the second, so they sort as text and scan back into time.Time.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,
    bio           TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('owner','administrator','editor','author','contributor')),
    password_hash TEXT NOT NULL DEFAULT '',
    locale        TEXT NOT NULL DEFAULT 'ar',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id   INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  DATETIME NOT NULL
);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);

CREATE TABLE posts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    type              TEXT NOT NULL DEFAULT 'post' CHECK (type IN ('post','page')),
    slug              TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    standfirst        TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('draft','scheduled','published')),
    visibility        TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public','members','paid')),
    lang              TEXT NOT NULL DEFAULT 'ar',
    dir               TEXT NOT NULL DEFAULT 'rtl' CHECK (dir IN ('rtl','ltr')),
    category_id       INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    published_at      DATETIME,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    featured_image    TEXT NOT NULL DEFAULT '',
    featured_alt      TEXT NOT NULL DEFAULT '',
    featured_caption  TEXT NOT NULL DEFAULT '',
    featured_credit   TEXT NOT NULL DEFAULT '',
    featured_width    INTEGER NOT NULL DEFAULT 0,
    featured_height   INTEGER NOT NULL DEFAULT 0,
    featured_srcset   TEXT NOT NULL DEFAULT '',
    source_name       TEXT NOT NULL DEFAULT '',
    source_url        TEXT NOT NULL DEFAULT '',
    source_lang       TEXT NOT NULL DEFAULT '',
    source_translated BOOLEAN NOT NULL DEFAULT FALSE,
    canonical_url     TEXT NOT NULL DEFAULT '',
    translation_group TEXT NOT NULL DEFAULT '',
    seo_title         TEXT NOT NULL DEFAULT '',
    seo_description   TEXT NOT NULL DEFAULT '',
    word_count        INTEGER NOT NULL DEFAULT 0,
    -- version counts saves, so that an editor saving over someone else's
    -- newer save is told instead of overwriting it.
    version           INTEGER NOT NULL DEFAULT 1,
    preview_token     TEXT NOT NULL DEFAULT '',
    -- The large values come last: SQLite reaches a column stored after a
    -- large value only by walking its overflow pages, so listings that filter
    -- and sort on the columns above never touch the bodies.
    body_md           TEXT NOT NULL DEFAULT '',
    body_html         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX posts_listing ON posts (type, status, published_at DESC, id DESC);
CREATE INDEX posts_category ON posts (category_id, published_at DESC);
CREATE INDEX posts_translation_group ON posts (translation_group) WHERE translation_group <> '';

CREATE TABLE post_authors (
    post_id  INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_authors_user ON post_authors (user_id, post_id);

CREATE TABLE post_categories (
    post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, category_id)
);
CREATE INDEX post_categories_category ON post_categories (category_id, post_id);

CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag ON post_tags (tag_id, post_id);

-- Old slugs of renamed posts (post_id set: 301 to the post) and slugs of
-- deleted posts (post_id NULL: 410 Gone).
CREATE TABLE slug_history (
    slug       TEXT PRIMARY KEY,
    post_id    INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One-time links printed by `nashra serve` to create the owner account.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    expires_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE setup_tokens;
DROP TABLE settings;
DROP TABLE slug_history;
DROP TABLE post_tags;
DROP TABLE post_categories;
DROP TABLE post_authors;
DROP TABLE posts;
DROP TABLE tags;
DROP TABLE categories;
DROP TABLE users;
