-- 121_totp.sql - the staff's second factor (issue 12 item 13).  One TOTP secret per
-- account (base32; pending until a code from it confirms it), the last 30 s step a code
-- was accepted for (a code is taken once: no replay in its window), and one-use recovery
-- codes kept as yescrypt hashes.
CREATE TABLE user_totp (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret TEXT NOT NULL,
	confirmed INTEGER NOT NULL DEFAULT 0,
	last_step INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);

CREATE TABLE user_recovery_codes (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at INTEGER
);
CREATE INDEX user_recovery_codes_user ON user_recovery_codes (user_id);
