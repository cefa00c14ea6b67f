-- 170_staff_language.sql - the language of each staff account's screens (issue 14):
-- 'fr', 'ar' or 'en', set by an administrator or by the user with a key, and whether
-- the server reorders right-to-left text for terminals that have no bidi of their own
-- (1, the default) or leaves it to a terminal that does it itself (0).
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'en'
	CHECK (lang IN ('en', 'fr', 'ar'));
ALTER TABLE users ADD COLUMN bidi_reorder INTEGER NOT NULL DEFAULT 1
	CHECK (bidi_reorder IN (0, 1));
