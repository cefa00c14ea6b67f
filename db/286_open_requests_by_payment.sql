-- 286_open_requests_by_payment.sql - the open requests in the order they were paid, for
-- the national sweep (src/db_national.c), which goes through every open request paid
-- before its calendar bound, a page at a time after the last one read (paid_at, id):
-- each page one range of this index, where requests_state (state, created_at) had every
-- open request of the kingdom read and sorted for each page.  Partial: the closed ones,
-- nearly all of the table, are not in it.  The WHERE must stay the query's own words.
CREATE INDEX requests_open_paid ON requests(paid_at)
	WHERE state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed',
	'ready', 'with_post');
