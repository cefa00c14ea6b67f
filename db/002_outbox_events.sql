-- 002_outbox_events.sql - notifications are derived from the request history: the web
-- side's sender thread reads request_events past the last one it queued and adds an
-- outbox row per event and channel.  event_id makes that idempotent (a restart or a
-- second scan of the same events queues nothing twice).
ALTER TABLE outbox ADD COLUMN event_id INTEGER REFERENCES request_events(id);
CREATE UNIQUE INDEX outbox_event ON outbox(event_id, channel) WHERE event_id IS NOT NULL;
