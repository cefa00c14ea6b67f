-- 211_request_lines.sql - one order, several documents (issue 13 item 4; src/lines.h,
-- src/db_lines.c).
--
-- An order for one person holds one line per document type: an extract and/or a full
-- copy, each with its copies (1 to 10) and its fee per etc/fees.conf.  One order, one
-- payment, one tracking number, one envelope: requests.fee_centimes is the sum of the
-- lines plus the registered mail abroad (added once per order), and requests.doc_type /
-- copies keep the first line, for what still reads one document.  A line is 'open' (it
-- follows the request's stage) or 'rejected' by the agent with a reason: its fee alone
-- goes back to the card; the last open line rejected rejects the request, and what
-- was not yet refunded (the other lines, the postage) goes back too.
CREATE TABLE request_lines (
	request_id INTEGER NOT NULL REFERENCES requests(id),
	line_no INTEGER NOT NULL CHECK (line_no BETWEEN 1 AND 2),
	doc_type TEXT NOT NULL CHECK (doc_type IN ('extract', 'full_copy')),
	copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10),
	fee_centimes INTEGER NOT NULL CHECK (fee_centimes > 0),
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'rejected')),
	reject_reason TEXT NOT NULL DEFAULT '',
	rejected_at INTEGER,
	rejected_by INTEGER REFERENCES users(id),
	PRIMARY KEY (request_id, line_no),
	UNIQUE (request_id, doc_type)		-- one line per document type
) WITHOUT ROWID;

-- Every request so far held one document: its line 1, at the whole fee (for the few
-- older orders abroad that includes their postage, which was never told apart).  A
-- rejected request's line is rejected with it.
INSERT INTO request_lines (request_id, line_no, doc_type, copies, fee_centimes, state,
		reject_reason, rejected_at)
	SELECT id, 1, doc_type, copies, fee_centimes,
		CASE state WHEN 'rejected' THEN 'rejected' ELSE 'open' END,
		CASE state WHEN 'rejected' THEN reject_reason ELSE '' END,
		CASE state WHEN 'rejected' THEN updated_at END
	FROM requests;

-- Refunds are now per line: line_no names the line whose fee goes back, 0 the rest of a
-- payment (the postage abroad once every line is refunded, or the whole of a second
-- payment of an order already paid).  UNIQUE (payment_id, line_no): a line is never
-- refunded twice; refunding a whole request writes the rows of what is not refunded
-- yet.  SQLite cannot drop the old UNIQUE (payment_id): the table is rebuilt (nothing
-- references it), its rows kept, each fee's refund becoming its line 1's.
CREATE TABLE refunds_new (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	payment_id INTEGER NOT NULL REFERENCES payments(id),
	line_no INTEGER NOT NULL DEFAULT 0 CHECK (line_no BETWEEN 0 AND 2),
	amount_centimes INTEGER NOT NULL CHECK (amount_centimes > 0),
	idem_key TEXT NOT NULL UNIQUE,
	reason TEXT NOT NULL CHECK (reason IN ('rejected', 'cancelled', 'returned', 'other')),
	state TEXT NOT NULL DEFAULT 'refund_owed' CHECK (state IN ('refund_owed', 'refund_sent',
		'refunded', 'refund_failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	gateway_ref TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	done_at INTEGER,
	UNIQUE (payment_id, line_no)
);
-- the fee's payment is the request's first that took money; later ones were duplicates
INSERT INTO refunds_new (id, request_id, payment_id, line_no, amount_centimes, idem_key,
		reason, state, attempts, next_attempt_at, last_error, gateway_ref, created_at,
		sent_at, done_at)
	SELECT f.id, f.request_id, f.payment_id,
		CASE WHEN f.payment_id = (SELECT min(p.id) FROM payments p
			WHERE p.request_id = f.request_id
			AND p.status IN ('confirmed', 'refund_owed', 'refunded')) THEN 1 ELSE 0 END,
		f.amount_centimes, f.idem_key, f.reason, f.state, f.attempts, f.next_attempt_at,
		f.last_error, f.gateway_ref, f.created_at, f.sent_at, f.done_at
	FROM refunds f;
DROP TABLE refunds;
ALTER TABLE refunds_new RENAME TO refunds;
CREATE INDEX refunds_request ON refunds(request_id);
CREATE INDEX refunds_due ON refunds(next_attempt_at) WHERE state IN ('refund_owed', 'refund_sent');
CREATE INDEX refunds_done ON refunds(done_at) WHERE done_at IS NOT NULL;
CREATE INDEX refunds_created ON refunds(created_at);
