-- +goose Up
-- The media library and the API credentials.

CREATE TABLE media (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    storage_key TEXT NOT NULL UNIQUE,
    filename    TEXT NOT NULL,
    mime        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    alt         TEXT NOT NULL DEFAULT '',
    caption     TEXT NOT NULL DEFAULT '',
    credit      TEXT NOT NULL DEFAULT '',
    -- JSON list of the responsive sizes: [{"width":480,"key":"…","mime":"image/webp"}, …]
    variants    TEXT NOT NULL DEFAULT '[]',
    uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX media_created ON media (created_at DESC);

-- Admin API tokens, one staff member each (only hashes stored).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME,
    last_used_at DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Content API keys: read-only access to what the public site shows.
CREATE TABLE content_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME
);

-- +goose Down
DROP TABLE content_keys;
DROP TABLE api_tokens;
DROP TABLE media;
