-- 030_settlement_transfer.sql - a batch marked transferred records who did it and the
-- bank transfer's reference (to match the commune's statement at Barid Al-Maghrib);
-- the index serves "what does this commune still wait for" and the finance view.
ALTER TABLE settlements ADD COLUMN transferred_by INTEGER REFERENCES users(id);
ALTER TABLE settlements ADD COLUMN transfer_ref TEXT NOT NULL DEFAULT '';
CREATE INDEX settlements_state ON settlements(state, built_at);
