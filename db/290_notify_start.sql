-- 290_notify_start.sql - where the sender thread (src/notify.c) started reading the
-- request history, kept from its first start on: that start does not text the history
-- the database was loaded with (demo data, a migration from another system), and a
-- restart before the first message still texts what happened since.  Until now the
-- starting point was the newest event at each start while the outbox was empty, so the
-- events of a first paid request that a restart came before were never texted.  One
-- row, written by the first start after this migration.
CREATE TABLE notify_start (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	event_id INTEGER NOT NULL,
	at INTEGER NOT NULL
);
