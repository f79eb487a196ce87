-- +goose Up
-- Readers: members (subscribers), their newsletters, one-time links and
-- sessions; newsletter sends with per-recipient delivery state.

CREATE TABLE members (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending','active','unsubscribed','bounced','complained')),
    paid            BOOLEAN NOT NULL DEFAULT FALSE,
    frequency       TEXT NOT NULL DEFAULT 'every' CHECK (frequency IN ('every','daily','weekly')),
    lang            TEXT NOT NULL DEFAULT 'ar',
    source          TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    confirmed_at    DATETIME,
    unsubscribed_at DATETIME
);
CREATE INDEX members_status ON members (status, id);

CREATE TABLE member_labels (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    PRIMARY KEY (member_id, label)
);
CREATE INDEX member_labels_label ON member_labels (label, member_id);

CREATE TABLE newsletters (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    sender_name  TEXT NOT NULL DEFAULT '',
    sender_email TEXT NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL
);

CREATE TABLE member_newsletters (
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    newsletter_id INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, newsletter_id)
);
CREATE INDEX member_newsletters_newsletter ON member_newsletters (newsletter_id, member_id);

-- One-time links for members: confirm a subscription, sign in, change email.
CREATE TABLE member_tokens (
    token_hash TEXT PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('confirm','signin','email')),
    email      TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX member_tokens_member ON member_tokens (member_id);

CREATE TABLE member_sessions (
    token_hash   TEXT PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL
);
CREATE INDEX member_sessions_member ON member_sessions (member_id);

-- A send is one email (a post, or a digest) to one newsletter's members.
CREATE TABLE sends (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    newsletter_id INTEGER NOT NULL REFERENCES newsletters(id),
    post_id       INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    kind          TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post','digest')),
    subject       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('preparing','sending','paused','done','cancelled')),
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    DATETIME NOT NULL,
    started_at    DATETIME,
    finished_at   DATETIME,
    total         INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sends_post_newsletter ON sends (post_id, newsletter_id) WHERE post_id IS NOT NULL;

-- One row per recipient of a send: the delivery's state survives crashes and
-- is shared by every node, so nobody is skipped and nobody gets two copies.
CREATE TABLE deliveries (
    send_id    INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('pending','claimed','sent','failed','skipped')),
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_at DATETIME,
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    sent_at    DATETIME,
    PRIMARY KEY (send_id, member_id)
);
CREATE INDEX deliveries_state ON deliveries (send_id, status, member_id);

-- +goose Down
DROP TABLE deliveries;
DROP TABLE sends;
DROP TABLE member_sessions;
DROP TABLE member_tokens;
DROP TABLE member_newsletters;
DROP TABLE newsletters;
DROP TABLE member_labels;
DROP TABLE members;
