-- +goose Up
-- Newsletters on schedule, scheduled posts' emails, and delivery events.

-- Digests: each newsletter bundles, for its members who chose a daily or a
-- weekly digest, the posts of the period; at digest_hour (site time), and
-- for weekly ones on digest_weekday (0 = Sunday … 6 = Saturday).
-- include_all: a digest carries every post published in the period, not
-- only those emailed to this newsletter.
ALTER TABLE newsletters ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 7 CHECK (digest_hour BETWEEN 0 AND 23);
ALTER TABLE newsletters ADD COLUMN digest_weekday INTEGER NOT NULL DEFAULT 6 CHECK (digest_weekday BETWEEN 0 AND 6);
ALTER TABLE newsletters ADD COLUMN include_all BOOLEAN NOT NULL DEFAULT FALSE;

-- A send goes to the members of one frequency: 'every' for a post, 'daily'
-- or 'weekly' for a digest. digest_key names the digest's period so that
-- several nodes make each digest once.
ALTER TABLE sends ADD COLUMN cadence TEXT NOT NULL DEFAULT 'every' CHECK (cadence IN ('every','daily','weekly'));
ALTER TABLE sends ADD COLUMN digest_key TEXT;
ALTER TABLE sends ADD COLUMN period_from DATETIME;
ALTER TABLE sends ADD COLUMN period_to DATETIME;
CREATE UNIQUE INDEX sends_digest_key ON sends (newsletter_id, digest_key) WHERE digest_key IS NOT NULL;
CREATE INDEX sends_newsletter_created ON sends (newsletter_id, kind, created_at);

-- A scheduled post that the editor asked to email when it goes live.
CREATE TABLE post_emails (
    post_id       INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    newsletter_id INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    DATETIME NOT NULL,
    PRIMARY KEY (post_id, newsletter_id)
);

-- What mail providers report back (webhook): bounces and complaints.
CREATE TABLE mail_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL,
    member_id   INTEGER REFERENCES members(id) ON DELETE SET NULL,
    type        TEXT NOT NULL CHECK (type IN ('bounce','complaint')),
    permanent   BOOLEAN NOT NULL DEFAULT TRUE,
    reason      TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    occurred_at DATETIME NOT NULL,
    received_at DATETIME NOT NULL
);
CREATE INDEX mail_events_received ON mail_events (received_at);
CREATE INDEX mail_events_email ON mail_events (email, received_at);
CREATE UNIQUE INDEX mail_events_provider ON mail_events (provider_id) WHERE provider_id <> '';

-- +goose Down
DROP TABLE mail_events;
DROP TABLE post_emails;
DROP INDEX sends_newsletter_created;
DROP INDEX sends_digest_key;
ALTER TABLE sends DROP COLUMN period_to;
ALTER TABLE sends DROP COLUMN period_from;
ALTER TABLE sends DROP COLUMN digest_key;
ALTER TABLE sends DROP COLUMN cadence;
ALTER TABLE newsletters DROP COLUMN include_all;
ALTER TABLE newsletters DROP COLUMN digest_weekday;
ALTER TABLE newsletters DROP COLUMN digest_hour;
