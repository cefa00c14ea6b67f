-- 040_login_throttle.sql - when an account last failed to log in: after a few failures
-- in a row each further try waits longer (a delay, not a lockout, so that nobody can
-- lock staff out by guessing on purpose).
ALTER TABLE users ADD COLUMN last_failed_at INTEGER;
