-- +goose Up
-- When a comment last changed status: spam and trash are emptied by the
-- time they went there, not by when the comment was written.
ALTER TABLE comments ADD COLUMN status_at DATETIME;

-- +goose Down
ALTER TABLE comments DROP COLUMN status_at;
