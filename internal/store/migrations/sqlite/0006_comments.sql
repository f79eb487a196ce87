-- +goose Up
-- Comments: readers' comments under posts, their moderation, the blocklist
-- moderators keep, and each post's open/closed switch.

-- 'open' lets readers comment (until the site's auto-close age, if any);
-- 'closed' stops new comments and keeps the old ones shown.
ALTER TABLE posts ADD COLUMN comment_status TEXT NOT NULL DEFAULT 'open'
    CHECK (comment_status IN ('open','closed'));

CREATE TABLE comments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id        INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    -- Where the comment sits in the thread (NULL: top level), and depth its
    -- level there (0: top level). reply_to_id is the comment the reader
    -- answered: the same as parent_id unless the thread was too deep and the
    -- reply went up to the deepest allowed ancestor. Reply notices go to its
    -- author.
    parent_id      INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    reply_to_id    INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    depth          INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL CHECK (status IN ('pending','approved','spam','trash')),
    -- The status a trashed comment had, so that restoring puts it back.
    prev_status    TEXT NOT NULL DEFAULT '',
    -- Why the comment was held or judged spam, for moderators.
    reason         TEXT NOT NULL DEFAULT '',
    author_name    TEXT NOT NULL,
    -- Lowercased. Never shown on the site: see the package's Public type.
    author_email   TEXT NOT NULL,
    author_url     TEXT NOT NULL DEFAULT '',
    member_id      INTEGER REFERENCES members(id) ON DELETE SET NULL,
    user_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    ip             TEXT NOT NULL DEFAULT '',
    user_agent     TEXT NOT NULL DEFAULT '',
    referrer       TEXT NOT NULL DEFAULT '',
    -- notify: the author asked for a mail when someone replies.
    -- notice_done: the reply notice for this comment (as a reply) was sent
    -- or found unneeded, so a re-approval never mails twice.
    notify         BOOLEAN NOT NULL DEFAULT FALSE,
    notice_done    BOOLEAN NOT NULL DEFAULT FALSE,
    -- The nonce of the form that sent the comment: one form, one comment.
    submission_key TEXT UNIQUE,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    body_md        TEXT NOT NULL,
    body_html      TEXT NOT NULL
);
CREATE INDEX comments_post ON comments (post_id, status, created_at, id);
CREATE INDEX comments_queue ON comments (status, created_at DESC, id DESC);
CREATE INDEX comments_email ON comments (author_email, status, created_at);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_reply_to ON comments (reply_to_id);

-- Moderators' blocklist: a comment matching a rule goes to spam or is held,
-- as the rule says.
CREATE TABLE comment_blocklist (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('word','email','domain','ip')),
    value      TEXT NOT NULL,
    effect     TEXT NOT NULL DEFAULT 'spam' CHECK (effect IN ('spam','hold')),
    created_at DATETIME NOT NULL,
    UNIQUE (kind, value)
);

-- +goose Down
DROP TABLE comment_blocklist;
DROP TABLE comments;
ALTER TABLE posts DROP COLUMN comment_status;
