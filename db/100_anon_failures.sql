-- 100_anon_failures.sql - failures by people the server does not know (a forged payment
-- callback, a txn the gateway does not know, a wrong secret code) are counted, one row
-- per action, source and minute, instead of one hash-chained audit row each: strangers
-- could write as many audit rows as they liked and bury the staff's real events under
-- them.  source is an IPv4 address or an IPv6 /64 (src/http_guard.c, http_source_of);
-- sample keeps the first failure's detail.  The notifier prunes rows past 90 days.
CREATE TABLE anon_failures (
	action TEXT NOT NULL,
	source TEXT NOT NULL,
	minute INTEGER NOT NULL,		-- unix time / 60
	count INTEGER NOT NULL CHECK (count > 0),
	sample TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (action, source, minute)
) WITHOUT ROWID;
CREATE INDEX anon_failures_minute ON anon_failures(minute);
