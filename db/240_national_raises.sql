-- 240_national_raises.sql - requests raised to the national inspection (src/db_national.c).
-- A province's inspector raises a late request with a note, or the server's sweep
-- raises one left past its deadline at province level (raised_by NULL, no note: the
-- screens say so in the reader's language); a national inspector answers it, and the
-- province reads the answer on its list of what it raised.  One raise waits at a time
-- per request (the partial unique index); an answered one stays as the record.
CREATE TABLE request_raises (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	province_id INTEGER NOT NULL REFERENCES provinces(id),
	raised_at INTEGER NOT NULL,
	raised_by INTEGER REFERENCES users(id),
	note TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'raised' CHECK (state IN ('raised', 'answered')),
	inspector_id INTEGER REFERENCES users(id),
	answer TEXT NOT NULL DEFAULT '',
	answered_at INTEGER,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX request_raises_waiting ON request_raises(request_id)
	WHERE state = 'raised';
CREATE INDEX request_raises_request ON request_raises(request_id);
CREATE INDEX request_raises_province ON request_raises(province_id, raised_at);

-- Who raised a complaint above its province: NULL when the sweep did (past
-- complaint_escalate_days) or for complaints raised before this column.
ALTER TABLE complaints ADD COLUMN escalated_by INTEGER REFERENCES users(id);
