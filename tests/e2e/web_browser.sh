#!/usr/bin/env bash
# A real headless Chromium fills the order form in French and in Arabic on a
# phone-sized screen (in French the record's office too: the annex RBT-HAS-3 of Hassan),
# pays at the sandbox, reaches the confirmation page and the
# tracking page, where the French order is then cancelled and refunded
# (tests/browser/citizen_order.py).  Screenshots: tests/out/browser/.
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (make test-deps)"
wq_start_server
out=$WQ_ROOT/tests/out/browser
python3 "$WQ_ROOT/tests/browser/citizen_order.py" "$WQ_URL" "$out" || fail "browser story"
[ "$(sqlite3 "$WQ_DB" "select count(*) from requests where state='paid' and last_name_lat = 'El Idrissi' and phone = '+212712345678'")" = 1 ] ||
	fail "the Arabic browser order is not paid"
[ "$(sqlite3 "$WQ_DB" "select r.state || ' ' || f.reason from requests r join refunds f on f.request_id = r.id where last_name_lat = 'Bennani' and phone = '0661234567'")" = "cancelled cancelled" ] ||
	fail "the French browser order is not cancelled with a refund owed"
[ "$(sqlite3 "$WQ_DB" "select o.code from requests r join offices o on o.id = r.office_id where last_name_lat = 'Bennani' and phone = '0661234567'")" = RBT-HAS-3 ] ||
	fail "the French browser order is not at the office chosen, RBT-HAS-3"
ok "Chromium ordered and paid in French and Arabic, cancelled the French one; screenshots in tests/out/browser/"
