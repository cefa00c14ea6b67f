-- 210_redispatch.sql - a returned envelope sent again to a corrected address
-- (src/redispatch.h, src/db_redispatch.c).
--
-- The citizen gives the corrected address on the tracking page (or the API) and pays
-- the re-dispatch postage (etc/fees.conf, resend.postage) through the gateway, under an
-- order of its own: the request's tracking number, '-P' and the attempt's number.
-- Postage is the post's money, not the commune's: it is kept in postage_payments, never
-- in payments, so the treasury, finance and `watiqa check`'s money line go on
-- counting the fees alone.  Once the gateway confirms, one transaction writes the
-- postage payment, puts the new address on the request, keeps the envelope's first
-- item in mail_past and moves the request from returned back to ready: the post desk
-- then hands it over with a new registered-mail code.
CREATE TABLE redispatches (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	order_ref TEXT NOT NULL UNIQUE,		-- 'W123456789X-P1': the gateway's order
	address TEXT NOT NULL,
	postal_code TEXT NOT NULL,
	city TEXT NOT NULL,
	fee_centimes INTEGER NOT NULL CHECK (fee_centimes > 0),
	state TEXT NOT NULL DEFAULT 'pending_payment' CHECK (state IN ('pending_payment',
		'paid')),
	created_at INTEGER NOT NULL,
	paid_at INTEGER
);
CREATE INDEX redispatches_request ON redispatches(request_id);

-- One row per gateway transaction that paid a re-dispatch's postage.  'owed_back': the
-- card was charged but nothing can be sent for it (a second payment of the same order,
-- or the envelope was collected or destroyed before the payment came); `watiqa check`
-- lists them until they are refunded by hand (refunds are the fees' table).
CREATE TABLE postage_payments (
	id INTEGER PRIMARY KEY,
	redispatch_id INTEGER NOT NULL REFERENCES redispatches(id),
	gateway_ref TEXT NOT NULL UNIQUE,
	amount_centimes INTEGER NOT NULL CHECK (amount_centimes > 0),
	status TEXT NOT NULL CHECK (status IN ('confirmed', 'owed_back')),
	confirmed_at INTEGER NOT NULL
);
CREATE INDEX postage_payments_redispatch ON postage_payments(redispatch_id);

-- An envelope's earlier registered items, kept when it is sent again (mail_items holds
-- one item per request: the current one).  A code is never used twice.
CREATE TABLE mail_past (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	code TEXT NOT NULL UNIQUE,
	address TEXT NOT NULL,
	postal_code TEXT NOT NULL,
	city TEXT NOT NULL,
	handed_at INTEGER,
	handed_how TEXT,
	status TEXT NOT NULL,
	closed_at INTEGER,
	reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_past_request ON mail_past(request_id);
