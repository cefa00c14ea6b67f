-- 151_returned_envelopes.sql - a returned envelope is no longer a dead end (src/lifecycle.c):
-- the citizen chooses on the tracking page to collect it at the office (to_collect, then
-- delivered when handed over against the CIN) or to be refunded (destroyed); with no
-- choice within returned_keep_days the office destroys it and the fee is refunded.
-- Widening the allowed states as db/150 did (stored rows stay valid).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''cancelled''))',
		'''cancelled'', ''to_collect'', ''destroyed''))')
	WHERE type = 'table' AND name = 'requests' AND sql NOT LIKE '%''destroyed''%';
PRAGMA writable_schema = RESET;

-- the office's board lists the envelopes back from the post, oldest first
CREATE INDEX requests_back ON requests(state, stage_at) WHERE state IN ('returned', 'to_collect');
