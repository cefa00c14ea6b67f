-- 120_login_buckets.sql - the login throttle per account, per source and per known
-- network (issue 12 items 3 and 5).  A bucket counts failures in a row and when the last
-- try was; the try is counted before the password is hashed, in the transaction that
-- checks the bucket, so parallel guesses cannot all pass one check.  Buckets:
--   'a:<user id>'            strangers' failures against one account
--   's:<source net>'         one source's failures (IPv4 address, IPv6 /64), any account
--   'k:<user id>:<net>'      failures from a network the account logged in from before
-- login_known lists those networks (IPv4 /24, IPv6 /64): a login from one of them is
-- held back only by its own bucket, never by strangers' guesses.
CREATE TABLE login_buckets (
	bucket TEXT PRIMARY KEY,
	fails INTEGER NOT NULL,
	last_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_buckets_last_at ON login_buckets (last_at);

CREATE TABLE login_known (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	net TEXT NOT NULL,
	last_ok_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, net)
) WITHOUT ROWID;
