-- 280_refund_groups.sql - one message for one event (issue 13's leftovers): refunding a
-- whole two-document order writes one refund row per line (each its own gateway call and
-- idempotency key, db/211), and the citizen was texted once per row.  The rows owed by one
-- event (a rejection, a cancellation, a destroyed envelope, one document refused) now
-- share owed_group, and the citizen hears of the refund once, when the group's last row
-- is settled, with what came back in all (db_refund.c's do_settle).  A refused refund that
-- finance sends again (db/221) is an event of its own: it gets a group of its own.
-- Earlier rows each stand alone, as their messages were sent.
ALTER TABLE refunds ADD COLUMN owed_group INTEGER;
UPDATE refunds SET owed_group = id;
CREATE INDEX refunds_owed_group ON refunds(owed_group);
