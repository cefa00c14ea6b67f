-- 180_documents.sql - verifiable documents (src/document.h, src/db_document.c).
--
-- Each document an office produces gets a row when its sheet is first printed (the
-- production printout): its verification code is never stored.  The code is derived
-- from `nonce` under the server key (state_dir/server.key, outside the database), and
-- looked up by `code_hash`, an HMAC of the code under the same key: a copy of the
-- database alone neither reveals a code nor lets one be checked.  A request has one
-- document per type it was produced as (a reprint gives the same code back).
CREATE TABLE documents (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	doc_type TEXT NOT NULL CHECK (doc_type IN ('extract', 'full_copy')),
	office_id INTEGER NOT NULL REFERENCES offices(id),	-- the issuing office
	nonce TEXT NOT NULL UNIQUE,
	code_hash TEXT NOT NULL UNIQUE,
	issued_at INTEGER NOT NULL,
	issued_by INTEGER REFERENCES users(id),
	UNIQUE (request_id, doc_type)
);

-- Lookups on /verify and /api/v1/verify, counted per local day (Morocco, UTC+1:
-- day = (t + 3600) / 86400, as revenue_daily) and outcome, not one row each: anyone may
-- ask, as often as the rate limits allow.
CREATE TABLE verify_daily (
	day INTEGER NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('valid', 'not_valid', 'unknown', 'malformed',
		'held_back')),
	count INTEGER NOT NULL CHECK (count > 0),
	PRIMARY KEY (day, outcome)
) WITHOUT ROWID;
