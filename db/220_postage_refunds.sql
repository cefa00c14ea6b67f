-- 220_postage_refunds.sql - a re-dispatch's postage charged with nothing to send for it
-- (paid twice, or paid after the envelope was collected or destroyed: postage_payments
-- 'owed_back', db/210) goes back to the card by itself (src/db_postage_refund.c).
--
-- The same outbox and the same money states as the fees' refunds (db/150): the
-- notifier's refund sender sends the due rows of both tables with one idempotency key
-- per row, the same on every try, until the gateway says refunded or refuses
-- (refund_failed, for finance).  A table of its own, not rows of `refunds`: postage is
-- the post's money, and every sum over `refunds` (the treasury, finance's revenue,
-- `watiqa check`'s money line) counts the commune's fees alone.
CREATE TABLE postage_refunds (
	id INTEGER PRIMARY KEY,
	postage_payment_id INTEGER NOT NULL UNIQUE REFERENCES postage_payments(id),
	request_id INTEGER NOT NULL REFERENCES requests(id),
	amount_centimes INTEGER NOT NULL CHECK (amount_centimes > 0),
	idem_key TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL DEFAULT 'refund_owed' CHECK (state IN ('refund_owed', 'refund_sent',
		'refunded', 'refund_failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	gateway_ref TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER,
	done_at INTEGER
);
CREATE INDEX postage_refunds_request ON postage_refunds(request_id);
CREATE INDEX postage_refunds_due ON postage_refunds(next_attempt_at)
	WHERE state IN ('refund_owed', 'refund_sent');

-- what was owed back before this migration is sent now
INSERT INTO postage_refunds (postage_payment_id, request_id, amount_centimes, idem_key,
		next_attempt_at, created_at)
	SELECT p.id, d.request_id, p.amount_centimes, 'RP-' || d.order_ref || '-' || p.id,
		p.confirmed_at, p.confirmed_at
	FROM postage_payments p JOIN redispatches d ON d.id = p.redispatch_id
	WHERE p.status = 'owed_back';
