-- 181_delivery_country.sql - Moroccans abroad (issue 13 item 5): the country a
-- request's documents are sent to, ISO 3166-1 alpha-2 (etc/countries.conf).  Every
-- request made before was delivered in Morocco.  A foreign phone number is stored in
-- E.164 ("+33612345678"); Moroccan ones keep the form they always had.
ALTER TABLE requests ADD COLUMN country TEXT NOT NULL DEFAULT 'MA'
	CHECK (length(country) = 2 AND country = upper(country));
