-- 001_init.sql - the first schema of Watiqa.
-- Times are INTEGER seconds since the epoch, UTC. Money is INTEGER centimes.
-- Request events and the audit log are append-only and hash-chained (prev_hash -> hash).

CREATE TABLE provinces (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('prefecture', 'province')),
	name_fr TEXT NOT NULL,
	name_ar TEXT NOT NULL
);

CREATE TABLE communes (
	id INTEGER PRIMARY KEY,
	province_id INTEGER NOT NULL REFERENCES provinces(id),
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('urban', 'rural')),
	name_fr TEXT NOT NULL,
	name_ar TEXT NOT NULL,
	post_account TEXT NOT NULL DEFAULT ''	-- bank account at Barid Al-Maghrib
);
CREATE INDEX communes_province ON communes(province_id);

CREATE TABLE offices (
	id INTEGER PRIMARY KEY,
	commune_id INTEGER NOT NULL REFERENCES communes(id),
	code TEXT NOT NULL UNIQUE,
	name_fr TEXT NOT NULL,
	name_ar TEXT NOT NULL,
	activity TEXT NOT NULL CHECK (activity IN ('low', 'moderate', 'intensive')),
	-- a low-activity office may have its requests relayed (by fax) by the commune's
	-- central office; that office then sees them in its queue and records the stages
	relay_office_id INTEGER REFERENCES offices(id)
		CHECK (relay_office_id IS NULL OR activity = 'low'),
	active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX offices_commune ON offices(commune_id);
CREATE INDEX offices_relay ON offices(relay_office_id);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	full_name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'inspector', 'support',
		'finance', 'treasury', 'admin', 'post')),
	scope_kind TEXT NOT NULL CHECK (scope_kind IN ('office', 'commune', 'province', 'national')),
	scope_id INTEGER NOT NULL DEFAULT 0,
	password_hash TEXT NOT NULL,		-- yescrypt ($y$...)
	disabled INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	last_login_at INTEGER,
	created_at INTEGER NOT NULL
);

CREATE TABLE user_keys (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	key_type TEXT NOT NULL,
	key_b64 TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (user_id, key_b64)
);

CREATE TABLE requests (
	id INTEGER PRIMARY KEY,
	tracking TEXT NOT NULL UNIQUE,		-- 'W' + 9 digits + Luhn check digit
	secret_hash TEXT NOT NULL,		-- sha256 hex of the citizen's secret code
	doc_type TEXT NOT NULL CHECK (doc_type IN ('extract', 'full_copy')),
	copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10),
	birth_commune_id INTEGER NOT NULL REFERENCES communes(id),
	record_number TEXT NOT NULL,
	record_year INTEGER NOT NULL,
	first_name_ar TEXT NOT NULL,
	last_name_ar TEXT NOT NULL,
	first_name_lat TEXT NOT NULL,
	last_name_lat TEXT NOT NULL,
	birth_date TEXT NOT NULL,		-- YYYY-MM-DD
	cin TEXT NOT NULL DEFAULT '',		-- national ID of the requester, optional
	phone TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL,
	postal_code TEXT NOT NULL,
	city TEXT NOT NULL,
	lang TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('ar', 'fr')),
	fee_centimes INTEGER NOT NULL CHECK (fee_centimes > 0),
	state TEXT NOT NULL CHECK (state IN ('pending_payment', 'paid', 'claimed',
		'in_production', 'ready', 'with_post', 'delivered', 'rejected', 'returned',
		'expired')),
	office_id INTEGER NOT NULL REFERENCES offices(id),
	agent_id INTEGER REFERENCES users(id),
	reject_reason TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	paid_at INTEGER,
	updated_at INTEGER NOT NULL
);
CREATE INDEX requests_queue ON requests(office_id, state, paid_at);
CREATE INDEX requests_agent ON requests(agent_id, state);
CREATE INDEX requests_state ON requests(state, created_at);
CREATE INDEX requests_name_lat ON requests(last_name_lat, first_name_lat);
CREATE INDEX requests_phone ON requests(phone);
CREATE INDEX requests_cin ON requests(cin);

CREATE TABLE request_events (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),	-- NULL: the citizen or the system
	actor_label TEXT NOT NULL,
	office_id INTEGER REFERENCES offices(id), -- the office the stage was recorded for
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX request_events_request ON request_events(request_id, id);
CREATE INDEX request_events_to ON request_events(to_state, at);
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
	BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END;
CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
	BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END;

CREATE TABLE payments (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	gateway_ref TEXT NOT NULL UNIQUE,
	amount_centimes INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('initiated', 'confirmed', 'failed', 'refund_owed',
		'refunded')),
	created_at INTEGER NOT NULL,
	confirmed_at INTEGER
);
CREATE INDEX payments_request ON payments(request_id);
CREATE INDEX payments_confirmed ON payments(status, confirmed_at);

CREATE TABLE complaints (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	province_id INTEGER NOT NULL REFERENCES provinces(id),
	opened_at INTEGER NOT NULL,
	opened_by INTEGER REFERENCES users(id),	-- NULL: the citizen
	body TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'taken', 'answered',
		'resolved', 'escalated')),
	inspector_id INTEGER REFERENCES users(id),
	answer TEXT NOT NULL DEFAULT '',
	answered_at INTEGER,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_province ON complaints(province_id, state, opened_at);
CREATE INDEX complaints_request ON complaints(request_id);

CREATE TABLE request_notes (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	author_id INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX request_notes_request ON request_notes(request_id);

CREATE TABLE mail_items (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id),
	code TEXT UNIQUE,				-- UPU S10, e.g. RR123456789MA
	sealed_at INTEGER NOT NULL,
	sealed_by INTEGER REFERENCES users(id),
	handed_at INTEGER,				-- picked up at the office or deposited
	handed_how TEXT CHECK (handed_how IN ('pickup', 'deposit')),
	status TEXT NOT NULL DEFAULT 'sealed' CHECK (status IN ('sealed', 'with_post',
		'delivered', 'returned')),
	closed_at INTEGER
);

CREATE TABLE settlements (
	id INTEGER PRIMARY KEY,
	commune_id INTEGER NOT NULL REFERENCES communes(id),
	period_start INTEGER NOT NULL,
	period_end INTEGER NOT NULL,
	request_count INTEGER NOT NULL,
	total_centimes INTEGER NOT NULL,
	state TEXT NOT NULL DEFAULT 'built' CHECK (state IN ('built', 'transferred')),
	built_at INTEGER NOT NULL,
	built_by INTEGER REFERENCES users(id),
	transferred_at INTEGER
);
CREATE INDEX settlements_commune ON settlements(commune_id, period_start);

CREATE TABLE settlement_items (
	settlement_id INTEGER NOT NULL REFERENCES settlements(id),
	request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id), -- one batch per request
	amount_centimes INTEGER NOT NULL,
	PRIMARY KEY (settlement_id, request_id)
);

CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	request_id INTEGER REFERENCES requests(id),
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
	recipient TEXT NOT NULL,
	body TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_request ON outbox(request_id);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	actor_label TEXT NOT NULL,
	action TEXT NOT NULL,		-- login.ok, login.fail, user.add, request.claim ...
	target TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	addr TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
	BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
	BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
