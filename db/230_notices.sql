-- 230_notices.sql - messages to offices (issue 14 item 4): a short notice written by an
-- inspector, a supervisor or an admin to one office, the offices of a province or one
-- account, and the replies in its thread.  Who receives a notice is settled when it is
-- sent: one notice_recipients row per account of the office (or province) at that time,
-- so that an agent who joins later does not read what was sent before, and each row's
-- read_at is the read receipt the sender sees.  Written only through src/db_notice.c.
CREATE TABLE notices (
	id INTEGER PRIMARY KEY,
	thread_id INTEGER NOT NULL,		-- the thread's first notice (its own id)
	author_id INTEGER NOT NULL REFERENCES users(id),
	author_label TEXT NOT NULL,		-- the author's username when it wrote
	to_kind TEXT NOT NULL CHECK (to_kind IN ('office', 'province', 'account', 'reply')),
	to_id INTEGER NOT NULL DEFAULT 0,	-- office, province or account id; 0 for a reply
	to_label TEXT NOT NULL,			-- 'RBT-HAS-1', 'RABAT', 'agent1' as when sent
	sent_at INTEGER NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX notices_thread ON notices(thread_id, id);
CREATE INDEX notices_author ON notices(author_id, id);

CREATE TABLE notice_recipients (
	notice_id INTEGER NOT NULL REFERENCES notices(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	read_at INTEGER,			-- NULL: not opened yet
	PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;
-- the title line's count of unread notices, asked at every commit anyone makes
CREATE INDEX notice_recipients_unread ON notice_recipients(user_id, read_at);
