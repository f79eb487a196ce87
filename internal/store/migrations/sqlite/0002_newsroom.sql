-- +goose Up
-- The newsroom: staff sessions kept server-side (so that they hold across
-- nodes), login throttling, and post revisions.

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed logins per key ("account:EMAIL" or "address:IP") in the current window.
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start DATETIME NOT NULL,
    locked_until DATETIME
);

-- One-time links: password resets and staff invitations (only hashes stored).
CREATE TABLE staff_tokens (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('reset','invite')),
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    expires_at DATETIME NOT NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    author_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('save','autosave','restore')),
    created_at DATETIME NOT NULL,
    title      TEXT NOT NULL,
    standfirst TEXT NOT NULL DEFAULT '',
    body_md    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revisions_post ON revisions (post_id, id DESC);

-- +goose Down
DROP TABLE revisions;
DROP TABLE staff_tokens;
DROP TABLE login_attempts;
DROP TABLE sessions;
