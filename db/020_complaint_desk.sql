-- 020_complaint_desk.sql - the staff side of complaints, support search and the
-- dashboards (src/db_complaint_desk.c, src/db_search.c, src/db_dashboard.c).
-- Complaints get the times of each step and the mark for an unanswered one: the
-- inspector's queue shows them, and "answered late" stays provable after the answer.
ALTER TABLE complaints ADD COLUMN taken_at INTEGER;
ALTER TABLE complaints ADD COLUMN resolved_at INTEGER;
ALTER TABLE complaints ADD COLUMN escalated_at INTEGER;
ALTER TABLE complaints ADD COLUMN escalation_note TEXT NOT NULL DEFAULT '';
-- set once, when the complaint was still unanswered complaint_answer_days after opening
ALTER TABLE complaints ADD COLUMN late_at INTEGER;

-- Support finds a citizen by a partial name: prefix searches on each name field use
-- these (LIKE on a NOCASE index for Latin, GLOB for Arabic, which has no case), so a
-- name search stays an index range on tens of millions of requests.
CREATE INDEX requests_last_lat_nc ON requests(last_name_lat COLLATE NOCASE);
CREATE INDEX requests_first_lat_nc ON requests(first_name_lat COLLATE NOCASE);
CREATE INDEX requests_last_ar ON requests(last_name_ar);
CREATE INDEX requests_first_ar ON requests(first_name_ar);


-- Dashboards count an office's requests paid in a period: (office, paid_at) makes that
-- a range per office instead of a walk through every request the office ever had.
-- state last: the count by stage reads it from the index alone.
CREATE INDEX requests_office_paid ON requests(office_id, paid_at, state);
