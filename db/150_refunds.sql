-- 150_refunds.sql - money has a way back (src/refund.c, src/db_refund.c).
--
-- A request may now be cancelled by the citizen while it waits in the queue.  SQLite
-- cannot alter a CHECK constraint, and rebuilding `requests` would drop the columns and
-- triggers other migrations add; widening the list of allowed states leaves every stored
-- row valid, which is the case SQLite documents as safe to make by editing the schema
-- text (https://sqlite.org/lang_altertable.html#otheralter).  RESET reloads the schema;
-- the CREATE TABLE below bumps the schema cookie for every other connection.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''expired''))', '''expired'', ''cancelled''))')
	WHERE type = 'table' AND name = 'requests' AND sql NOT LIKE '%''cancelled''%';
PRAGMA writable_schema = RESET;

-- One refund per payment that took the citizen's money and must go back.  This table is
-- also the outbox of the gateway's refund calls: the notifier thread sends the due rows,
-- with the same idempotency key on every try, until the gateway says refunded (or
-- refuses: refund_failed, which finance sees).  Money states:
--   refund_owed  -> refund_sent  -> refunded
--                               \-> refund_failed
-- refund_sent means a call may have reached the gateway: after a crash it is sent again
-- with the same key, which the gateway answers with the refund it already made.
-- payments.status follows: refund_owed until the gateway confirms, then refunded.
CREATE TABLE refunds (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	payment_id INTEGER NOT NULL UNIQUE REFERENCES payments(id),
	amount_centimes INTEGER NOT NULL CHECK (amount_centimes > 0),
	idem_key TEXT NOT NULL UNIQUE,
	reason TEXT NOT NULL CHECK (reason IN ('rejected', 'cancelled', 'returned', 'other')),
	state TEXT NOT NULL DEFAULT 'refund_owed' CHECK (state IN ('refund_owed', 'refund_sent',
		'refunded', 'refund_failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	gateway_ref TEXT NOT NULL DEFAULT '',	-- the gateway's refund id, once refunded
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	done_at INTEGER				-- refunded or refused
);
CREATE INDEX refunds_request ON refunds(request_id);
-- the sender's due list: only the rows still moving
CREATE INDEX refunds_due ON refunds(next_attempt_at) WHERE state IN ('refund_owed', 'refund_sent');
CREATE INDEX refunds_done ON refunds(done_at) WHERE done_at IS NOT NULL;
CREATE INDEX refunds_created ON refunds(created_at);

-- Refunds owed or made before this migration (rejections; generated histories) get
-- their row: the old ones as refunded, the owed ones to be sent now.
INSERT INTO refunds (request_id, payment_id, amount_centimes, idem_key, reason, state,
		next_attempt_at, created_at, done_at)
	SELECT p.request_id, p.id, p.amount_centimes, 'RF-' || r.tracking || '-' || p.id,
		CASE WHEN r.state = 'rejected' THEN 'rejected' ELSE 'other' END,
		CASE p.status WHEN 'refunded' THEN 'refunded' ELSE 'refund_owed' END,
		r.updated_at, r.updated_at,
		CASE p.status WHEN 'refunded' THEN r.updated_at END
	FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE p.status IN ('refund_owed', 'refunded');
