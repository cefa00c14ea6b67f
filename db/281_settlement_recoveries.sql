-- 281_settlement_recoveries.sql - fees to recover from communes, netted (issue 13's
-- leftovers).  A fee refunded after a batch distributed it (an envelope destroyed, or
-- refunded on the citizen's choice, after the treasury's batch: refund_book's `recover`)
-- is money the commune must give back.  The commune's next batch deducts it: one row here
-- per refund taken back, in the transaction that builds the batch (db_treasury.c), the
-- refund never taken back twice (UNIQUE refund_id).  The batch keeps its items' total
-- (what it distributes, `watiqa check`'s "settlement total differing from its items");
-- its rows here are what it takes back, and the treasury transfers the difference.  The book still reconciles: collected - refunds = distributed + due - to
-- recover, where what a batch took back leaves both `distributed` (net) and `to recover`.
CREATE TABLE settlement_recoveries (
	id INTEGER PRIMARY KEY,
	settlement_id INTEGER NOT NULL REFERENCES settlements(id),	-- the batch that nets it
	refund_id INTEGER NOT NULL UNIQUE REFERENCES refunds(id),
	from_settlement_id INTEGER NOT NULL REFERENCES settlements(id), -- the one that paid it
	amount_centimes INTEGER NOT NULL CHECK (amount_centimes > 0)
);
CREATE INDEX settlement_recoveries_batch ON settlement_recoveries(settlement_id);
