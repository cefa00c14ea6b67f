-- 250_treasury_due.sql - the treasury's running totals (issue 15 item 3): what each
-- commune is due, per day of payment, kept in the transactions that change it, so that
-- the batch preview reads a few thousand rows instead of every undistributed fee
-- (616 ms on 10 million requests, bench/README.md section 15).
--
-- treasury_fees says once which payment is a fee the preview counts, and how: confirmed
-- (with its time), in no batch, its request earned (ready, with_post, delivered) or still
-- in the office (paid ... signed; finance.h's money rule, db_finance.h's FIN_EARNED and
-- FIN_PROCESSING), for what it keeps after its lines' refunds (FIN_KEPT, db/211).  A
-- returned envelope, a rejection or a cancellation is neither.
-- The plans are forced (nothing runs ANALYZE: the planner has no statistics): the
-- payments first, so that a whole pass reads each payment and probes settlement_items
-- before it looks up any request (the backfill, `watiqa check`); the unary + keeps
-- payments_confirmed (status, confirmed_at) out, which SQLite otherwise took to find one
-- request's payment by reading every confirmed one (11 ms a confirmation on 20,000
-- requests).  A trigger names the payment or the requests.
CREATE VIEW treasury_fees AS
	SELECT p.id AS payment_id, p.request_id, r.office_id, o.commune_id,
		(p.confirmed_at + 3600) / 86400 AS day,
		r.state IN ('ready', 'with_post', 'delivered') AS earned,
		p.amount_centimes - (SELECT coalesce(sum(fk.amount_centimes), 0) FROM refunds fk
			WHERE fk.payment_id = p.id) AS centimes
	FROM payments p CROSS JOIN requests r ON r.id = p.request_id
	CROSS JOIN offices o ON o.id = r.office_id
	WHERE +p.status = 'confirmed' AND +p.confirmed_at IS NOT NULL
	AND r.state IN ('ready', 'with_post', 'delivered', 'paid', 'claimed', 'in_production',
		'awaiting_signature', 'signed')
	AND NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = p.request_id);

-- The sum of treasury_fees per commune and day.  A day is the local day at +01:00 (the
-- confirmation time + 1 h, as revenue_daily counts): Morocco's midnights fall on whole
-- UTC hours, so a period ending at local midnight takes whole days and, in the weeks
-- at +00:00, the fees of one hour read from the rows (db_treasury_due.c).  A row whose
-- four figures reach zero is deleted, so the table holds only the days with fees still
-- due: a couple of months per commune, whatever the years behind.
CREATE TABLE treasury_due (
	commune_id INTEGER NOT NULL REFERENCES communes(id),
	day INTEGER NOT NULL,
	earned INTEGER NOT NULL,		-- fees a batch built now would take
	earned_centimes INTEGER NOT NULL,
	waiting INTEGER NOT NULL,		-- paid, still in the office
	waiting_centimes INTEGER NOT NULL,
	PRIMARY KEY (commune_id, day)
) WITHOUT ROWID;

CREATE TRIGGER treasury_due_empty AFTER UPDATE ON treasury_due
	WHEN new.earned = 0 AND new.earned_centimes = 0 AND new.waiting = 0
	AND new.waiting_centimes = 0
BEGIN
	DELETE FROM treasury_due WHERE commune_id = new.commune_id AND day = new.day;
END;

-- A later migration that rebuilds payments, requests, refunds, settlement_items or
-- offices (CREATE .._new, DROP, RENAME) drops these triggers with the table: it must
-- create them again, or `watiqa check` will name the communes as soon as money moves.
-- One that changes what the preview counts (db_finance.h's FIN_KEPT, FIN_EARNED,
-- FIN_PROCESSING, db_treasury.c's due_read) changes treasury_fees with it and fills
-- treasury_due again (test_treasury_due compares the two previews).
--
-- Each change that can move a fee in or out of treasury_fees takes the fee's share out
-- BEFORE the row changes (the view still shows the old row) and puts it back AFTER (the
-- view shows the new one): what a fee adds is always what the view says of it, so the
-- totals cannot count a fee otherwise than the truth does.  The WHEN clauses only skip
-- the changes that cannot move a fee (a stage within the office, a sealed envelope
-- handed to the post), so that the hot paths pay nothing.

-- payments: a confirmation (new, or a row confirmed late), a refund owed, a correction
-- (a confirmed fee's row cannot be deleted: fees_unsettled refers to it)
CREATE TRIGGER treasury_due_pay_new AFTER INSERT ON payments
	WHEN new.status = 'confirmed' AND new.confirmed_at IS NOT NULL
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees WHERE payment_id = new.id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_pay_out BEFORE UPDATE OF status, confirmed_at, amount_centimes,
	request_id ON payments
	WHEN old.status = 'confirmed' AND (new.status IS NOT old.status
	OR new.confirmed_at IS NOT old.confirmed_at OR new.amount_centimes <> old.amount_centimes
	OR new.request_id <> old.request_id)
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees WHERE payment_id = old.id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_pay_in AFTER UPDATE OF status, confirmed_at, amount_centimes,
	request_id ON payments
	WHEN new.status = 'confirmed' AND (new.status IS NOT old.status
	OR new.confirmed_at IS NOT old.confirmed_at OR new.amount_centimes <> old.amount_centimes
	OR new.request_id <> old.request_id)
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees WHERE payment_id = new.id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

-- requests: the fee becomes earned (ready), leaves (rejected, cancelled, returned) or
-- comes back (collected), or the request moves to an office of another commune
CREATE TRIGGER treasury_due_req_out BEFORE UPDATE OF state, office_id ON requests
	WHEN (old.state IN ('ready', 'with_post', 'delivered'))
	<> (new.state IN ('ready', 'with_post', 'delivered'))
	OR (old.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed'))
	<> (new.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed'))
	OR (old.office_id <> new.office_id AND (SELECT commune_id FROM offices
	WHERE id = old.office_id) IS NOT (SELECT commune_id FROM offices WHERE id = new.office_id))
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees WHERE request_id = old.id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_req_in AFTER UPDATE OF state, office_id ON requests
	WHEN (old.state IN ('ready', 'with_post', 'delivered'))
	<> (new.state IN ('ready', 'with_post', 'delivered'))
	OR (old.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed'))
	<> (new.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed'))
	OR (old.office_id <> new.office_id AND (SELECT commune_id FROM offices
	WHERE id = old.office_id) IS NOT (SELECT commune_id FROM offices WHERE id = new.office_id))
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees WHERE request_id = new.id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

-- refunds: a line of the order refunded (db/211) leaves the payment confirmed with less
-- to keep; a refund's state (sent, refunded, refused) changes nothing of it
CREATE TRIGGER treasury_due_refund_new_out BEFORE INSERT ON refunds
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees
		WHERE payment_id = new.payment_id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_refund_new_in AFTER INSERT ON refunds
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees WHERE payment_id = new.payment_id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_refund_moved_out BEFORE UPDATE OF payment_id, amount_centimes
	ON refunds WHEN new.payment_id <> old.payment_id
	OR new.amount_centimes <> old.amount_centimes
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees
		WHERE payment_id IN (old.payment_id, new.payment_id)
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_refund_moved_in AFTER UPDATE OF payment_id, amount_centimes
	ON refunds WHEN new.payment_id <> old.payment_id
	OR new.amount_centimes <> old.amount_centimes
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees
		WHERE payment_id IN (old.payment_id, new.payment_id)
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_refund_gone_out BEFORE DELETE ON refunds
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees
		WHERE payment_id = old.payment_id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_refund_gone_in AFTER DELETE ON refunds
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees WHERE payment_id = old.payment_id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

-- settlement_items: a fee enters a batch (items are never deleted)
CREATE TRIGGER treasury_due_batched BEFORE INSERT ON settlement_items
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees
		WHERE request_id = new.request_id
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

-- offices: an office moved to another commune takes its fees due with it
CREATE TRIGGER treasury_due_office_out BEFORE UPDATE OF commune_id ON offices
	WHEN new.commune_id IS NOT old.commune_id
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, -earned, -earned * centimes,
		earned - 1, (earned - 1) * centimes FROM treasury_fees
		WHERE request_id IN (SELECT id FROM requests WHERE office_id = old.id)
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

CREATE TRIGGER treasury_due_office_in AFTER UPDATE OF commune_id ON offices
	WHEN new.commune_id IS NOT old.commune_id
BEGIN
	INSERT INTO treasury_due SELECT commune_id, day, earned, earned * centimes, 1 - earned,
		(1 - earned) * centimes FROM treasury_fees
		WHERE request_id IN (SELECT id FROM requests WHERE office_id = new.id)
	ON CONFLICT (commune_id, day) DO UPDATE SET earned = earned + excluded.earned,
		earned_centimes = earned_centimes + excluded.earned_centimes,
		waiting = waiting + excluded.waiting,
		waiting_centimes = waiting_centimes + excluded.waiting_centimes;
END;

-- The preview reads its last hours from fees_unsettled (db/091), whose time followed
-- the payment's confirmation but not a later correction of it: now it does.
CREATE TRIGGER fees_unsettled_moved AFTER UPDATE OF confirmed_at ON payments
	WHEN new.confirmed_at IS NOT old.confirmed_at
BEGIN
	UPDATE fees_unsettled SET confirmed_at = coalesce(new.confirmed_at, new.created_at)
		WHERE payment_id = new.id;
END;

-- the existing fees: one pass over the payments (about 20 s on 10 million requests)
INSERT INTO treasury_due (commune_id, day, earned, earned_centimes, waiting,
		waiting_centimes)
	SELECT commune_id, day, sum(earned), sum(earned * centimes), sum(1 - earned),
		sum((1 - earned) * centimes) FROM treasury_fees WHERE true GROUP BY commune_id, day;
