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

-- No index of its own: the sweep (once a minute) and the inspector's list read the open
-- requests through requests_state_office / requests_queue (on the kingdom's 10 million
-- requests, 63,000 are open: the sweep's read costs ~80 ms of CPU).
