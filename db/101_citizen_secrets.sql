-- 101_citizen_secrets.sql - secret codes stored as an HMAC under the server key, a
-- back-off on wrong codes per tracking number, and what unpaid orders may leave behind.
--
-- secret_hash was the unsalted SHA-256 of a 6-character code: reversible in seconds by
-- anyone holding a copy of the database.  A migration cannot compute an HMAC (the key
-- lives outside the database, in state_dir/server.key), so the web side does it when
-- it starts (request_secrets_rewrap): every hash without a prefix becomes
--   'h0:' || HMAC(server key, the old SHA-256 hex)
-- and the citizens' old 6-character codes keep working, checked through that; new
-- requests get 60-bit codes stored as 'h1:' || HMAC(server key, the code).  The
-- partial index finds the rows still to rewrap without reading the table.
CREATE INDEX requests_secret_unwrapped ON requests(id) WHERE secret_hash NOT LIKE 'h%:%';

-- Wrong codes in a row per tracking number (any number of the right shape, existing or
-- not: the answer must not tell which exist).  Cleared by the right code.
CREATE TABLE secret_tries (
	tracking TEXT PRIMARY KEY,
	fails INTEGER NOT NULL,
	last_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Unpaid orders are personal data nobody paid to have kept: past unpaid_retention_days
-- an expired request keeps its number, dates and history (the figures) and loses the
-- names, birth record, phone, e-mail, CIN and address; purged_at says when.
ALTER TABLE requests ADD COLUMN purged_at INTEGER;
CREATE INDEX requests_unpaid_phone ON requests(phone, state);
-- messages sent to one recipient in the last day (the daily caps of the notifier)
CREATE INDEX outbox_recipient ON outbox(recipient, channel, sent_at);
