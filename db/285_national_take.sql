-- 285_national_take.sql - a national inspector takes a raised request before answering
-- it, as an agent claims a request (src/db_national.c): the others see who holds it and
-- cannot answer it until he answers or gives it back.  NULL: nobody holds it (waiting),
-- or it was answered before this column.
ALTER TABLE request_raises ADD COLUMN taken_by INTEGER REFERENCES users(id);
ALTER TABLE request_raises ADD COLUMN taken_at INTEGER;
