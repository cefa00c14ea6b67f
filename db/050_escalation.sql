-- 050_escalation.sql - deadlines that escalate by themselves (src/escalate.c,
-- src/db_escalate.c).
-- When the request entered its current state: set by each state change in the same
-- UPDATE (src/db_request.c); rows from before this migration read updated_at instead,
-- which the last change also set.
ALTER TABLE requests ADD COLUMN stage_at INTEGER;

-- The one complaint the system opened for a request whose announced delivery window
-- was missed: the primary key is what makes the sweep idempotent.
CREATE TABLE escalation_complaints (
	request_id INTEGER PRIMARY KEY REFERENCES requests(id),
	complaint_id INTEGER NOT NULL REFERENCES complaints(id),
	opened_at INTEGER NOT NULL
);

-- The sweep reads the kingdom's open requests paid before a cutoff, oldest first:
-- partial, so it holds the open requests only (a few per cent of the table).
CREATE INDEX requests_open_paid ON requests(paid_at)
	WHERE state IN ('paid', 'claimed', 'in_production', 'ready', 'with_post');
