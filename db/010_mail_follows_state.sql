-- 010_mail_follows_state.sql - the envelope (mail_items) follows the request's state,
-- in the same transaction as the state change, whoever writes it (agent screen,
-- supervisor board, post desk, tracking pull, CLI):
--   ready               the sealed envelope exists: its row is created (sealed_by is the
--                       agent who held the request, the one who sealed it);
--   delivered/returned  the registered item is closed with that outcome.
-- with_post is written by request_hand_to_post() itself, with the code.  Triggers
-- rather than code in each caller: one place, and no write path can forget it.
CREATE TRIGGER mail_items_sealed AFTER UPDATE OF state ON requests
	WHEN new.state = 'ready' AND old.state <> 'ready'
BEGIN
	INSERT OR IGNORE INTO mail_items (request_id, sealed_at, sealed_by, status)
		VALUES (new.id, new.updated_at, new.agent_id, 'sealed');
END;

CREATE TRIGGER mail_items_closed AFTER UPDATE OF state ON requests
	WHEN new.state IN ('delivered', 'returned') AND old.state <> new.state
BEGIN
	UPDATE mail_items SET status = new.state, closed_at = new.updated_at
		WHERE request_id = new.id;
END;

-- envelopes already ready before this migration get their row
INSERT OR IGNORE INTO mail_items (request_id, sealed_at, sealed_by, status)
	SELECT id, updated_at, agent_id, 'sealed' FROM requests WHERE state = 'ready';
UPDATE mail_items SET status = (SELECT state FROM requests r WHERE r.id = request_id),
	closed_at = (SELECT updated_at FROM requests r WHERE r.id = request_id)
	WHERE status = 'with_post' AND (SELECT state FROM requests r WHERE r.id = request_id)
		IN ('delivered', 'returned');

-- the post desk lists envelopes by status; the dispatch list by hand-over time
CREATE INDEX mail_items_status ON mail_items(status, handed_at);
