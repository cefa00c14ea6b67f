-- 275_order_indexes.sql - fewer index pages written by every order (issue 15, item 1;
-- bench/README.md section 27).  An order inserts one entry into each index on requests
-- and request_events, and each entry dirties a leaf page that the transaction writes
-- to the WAL whole (4 KiB) and the checkpoint writes again: on random keys (a phone,
-- names, a CIN) one page per order.  Dropped: what no query reads, or another index
-- already serves with the same columns first; narrowed: what a new order never needs
-- to be found by.  Each change was checked with EXPLAIN QUERY PLAN on every statement
-- that could use it.

-- (phone) is the first column of requests_unpaid_phone (phone, state), which the
-- unpaid-per-phone cap and the phone search already use
DROP INDEX IF EXISTS requests_phone;

-- (last_name_lat, first_name_lat) compared as bytes: the name search is LIKE, which
-- only the NOCASE indexes requests_last_lat_nc and requests_first_lat_nc serve, and
-- nothing else looks a Latin name up
DROP INDEX IF EXISTS requests_name_lat;

-- (to_state, at): the dashboard's hand-overs read request_events_dispatch since 090,
-- nothing else asks for events by their state
DROP INDEX IF EXISTS request_events_to;

-- the same columns and WHERE as request_events_paid (090): two copies of each paid event
DROP INDEX IF EXISTS request_events_first_paid;

-- a new order has no agent, and requests are only looked up by an agent they have (the
-- board's loads, agent_id = u.id); a claim adds the entry
DROP INDEX IF EXISTS requests_agent;
CREATE INDEX requests_agent ON requests(agent_id, state) WHERE agent_id IS NOT NULL;

-- most orders come without a CIN (optional): only the ones with one are searched by it
-- (db_search.c's by_cin says cin <> '' so the planner may take this index)
DROP INDEX IF EXISTS requests_cin;
CREATE INDEX requests_cin ON requests(cin) WHERE cin <> '';
