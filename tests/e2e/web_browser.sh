#!/usr/bin/env bash
# A real headless Chromium fills the order form in French and in Arabic on a
# phone-sized screen, pays at the sandbox, reaches the confirmation page and the
# tracking page (tests/browser/citizen_order.py).  Screenshots: tests/out/browser/.
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (make test-deps)"
wq_start_server
out=$WQ_ROOT/tests/out/browser
python3 "$WQ_ROOT/tests/browser/citizen_order.py" "$WQ_URL" "$out" || fail "browser story"
[ "$(sqlite3 "$WQ_DB" "select count(*) from requests where state='paid' and last_name_lat in ('Bennani','El Idrissi') and phone in ('0661234567','+212712345678')")" = 2 ] ||
	fail "the two browser orders are not both paid"
ok "Chromium ordered and paid in French and Arabic; screenshots in tests/out/browser/"
