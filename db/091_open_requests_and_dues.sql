-- 091_open_requests_and_dues.sql - more of what the kingdom-sized database showed
-- (bench/README.md): the supervisor board's counts, and the treasury's fees not yet in a
-- batch.

-- Supervisor board, counts by stage: with state and office both in the index the counts
-- read only the office's open requests (requests_state read every open request of the
-- kingdom, then each row for its office: 41 ms on 10 million requests).
CREATE INDEX requests_state_office ON requests(state, office_id, paid_at);

-- The confirmed payments whose fee is in no distribution batch yet, kept by triggers in
-- the transactions that confirm, refund or batch them.  After three years the kingdom has
-- ten million confirmed payments of which a month or two are not yet distributed: the
-- treasury's preview and build can start from here (joined to payments for the truth)
-- instead of reading every payment ever made and probing settlement_items for each.
CREATE TABLE fees_unsettled (
	payment_id INTEGER PRIMARY KEY REFERENCES payments(id),
	request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id),
	confirmed_at INTEGER NOT NULL
);
CREATE INDEX fees_unsettled_at ON fees_unsettled(confirmed_at);

CREATE TRIGGER fees_unsettled_insert AFTER INSERT ON payments
	WHEN new.status = 'confirmed'
BEGIN
	INSERT OR REPLACE INTO fees_unsettled (payment_id, request_id, confirmed_at)
		SELECT new.id, new.request_id, coalesce(new.confirmed_at, new.created_at)
		WHERE NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = new.request_id);
END;

CREATE TRIGGER fees_unsettled_confirm AFTER UPDATE OF status ON payments
	WHEN new.status = 'confirmed' AND old.status <> 'confirmed'
BEGIN
	INSERT OR REPLACE INTO fees_unsettled (payment_id, request_id, confirmed_at)
		SELECT new.id, new.request_id, coalesce(new.confirmed_at, new.created_at)
		WHERE NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = new.request_id);
END;

-- refund owed or refunded: no longer a fee to distribute
CREATE TRIGGER fees_unsettled_unconfirm AFTER UPDATE OF status ON payments
	WHEN old.status = 'confirmed' AND new.status <> 'confirmed'
BEGIN
	DELETE FROM fees_unsettled WHERE payment_id = new.id;
END;

CREATE TRIGGER fees_unsettled_batched AFTER INSERT ON settlement_items
BEGIN
	DELETE FROM fees_unsettled WHERE request_id = new.request_id;
END;

INSERT OR REPLACE INTO fees_unsettled (payment_id, request_id, confirmed_at)
	SELECT p.id, p.request_id, coalesce(p.confirmed_at, p.created_at) FROM payments p
	WHERE p.status = 'confirmed'
	AND NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = p.request_id);
