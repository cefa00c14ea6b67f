-- 221_refund_desk.sql - finance acts on a refund the card refused (src/db_refund_desk.c):
-- it sends it again (the same idempotency key: the gateway refunds a key once, so a
-- retry can never pay twice), or records that the citizen was paid by other means, a
-- bank transfer whose reference is kept here.  Either is audited (refund.retry,
-- refund.transfer, target the idempotency key); `watiqa check` names a refund paid
-- both by the card and by transfer, or by transfer with no audit row.
ALTER TABLE refunds ADD COLUMN transfer_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN settled_by INTEGER REFERENCES users(id);
ALTER TABLE postage_refunds ADD COLUMN transfer_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE postage_refunds ADD COLUMN settled_by INTEGER REFERENCES users(id);
-- finance's list of refunds to act on
CREATE INDEX refunds_failed ON refunds(done_at) WHERE state = 'refund_failed';
CREATE INDEX postage_refunds_failed ON postage_refunds(done_at) WHERE state = 'refund_failed';
