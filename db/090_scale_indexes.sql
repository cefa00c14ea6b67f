-- 090_scale_indexes.sql - what the screens' queries need on a database the size of the
-- kingdom (bench/gen: 10 million requests, 66 million events; figures before and after
-- in bench/README.md).  Indexes only, plus one summary table kept by triggers.

-- Supervisor board: the office's agents.  users had no index on the scope, so every
-- board refresh read all 20,000 accounts.
CREATE INDEX users_scope ON users(scope_kind, scope_id, role);

-- Inspector dashboard, processing time paid -> with_post: the month's hand-overs of the
-- province's offices only (request_events_to read every hand-over of the kingdom in the
-- month, then each row for its office), and for each the paid event it is measured from.
-- Partial: a few per cent of the history each, not all 66 million rows.
CREATE INDEX request_events_dispatch ON request_events(to_state, office_id, at)
	WHERE to_state = 'with_post';
CREATE INDEX request_events_paid ON request_events(request_id, at)
	WHERE to_state = 'paid' AND from_state IN ('pending_payment', 'expired');

-- Money collected per commune and local day (Morocco, UTC+1: day = (t + 3600) / 86400),
-- counted when a payment is confirmed, for the commune of the request's office at that
-- moment.  A month for the whole kingdom is ~45,000 rows here instead of ~300,000
-- payments joined to their requests.  Refunds are not subtracted (see payments.status).
CREATE TABLE revenue_daily (
	commune_id INTEGER NOT NULL REFERENCES communes(id),
	day INTEGER NOT NULL,
	payments INTEGER NOT NULL,
	centimes INTEGER NOT NULL,
	PRIMARY KEY (day, commune_id)
) WITHOUT ROWID;
CREATE INDEX revenue_daily_commune ON revenue_daily(commune_id, day);

CREATE TRIGGER revenue_daily_insert AFTER INSERT ON payments
	WHEN new.confirmed_at IS NOT NULL
BEGIN
	INSERT INTO revenue_daily (commune_id, day, payments, centimes)
		SELECT o.commune_id, (new.confirmed_at + 3600) / 86400, 1, new.amount_centimes
		FROM requests r JOIN offices o ON o.id = r.office_id WHERE r.id = new.request_id
		ON CONFLICT (day, commune_id) DO UPDATE SET payments = payments + 1,
			centimes = centimes + excluded.centimes;
END;

CREATE TRIGGER revenue_daily_confirm AFTER UPDATE OF confirmed_at ON payments
	WHEN old.confirmed_at IS NULL AND new.confirmed_at IS NOT NULL
BEGIN
	INSERT INTO revenue_daily (commune_id, day, payments, centimes)
		SELECT o.commune_id, (new.confirmed_at + 3600) / 86400, 1, new.amount_centimes
		FROM requests r JOIN offices o ON o.id = r.office_id WHERE r.id = new.request_id
		ON CONFLICT (day, commune_id) DO UPDATE SET payments = payments + 1,
			centimes = centimes + excluded.centimes;
END;

INSERT INTO revenue_daily (commune_id, day, payments, centimes)
	SELECT o.commune_id, (p.confirmed_at + 3600) / 86400, count(*), sum(p.amount_centimes)
	FROM payments p JOIN requests r ON r.id = p.request_id
	JOIN offices o ON o.id = r.office_id
	WHERE p.confirmed_at IS NOT NULL GROUP BY 1, 2;
