#!/usr/bin/env bash
# A birth of today is not in the future in Morocco's calendar: the order form checks the
# birth date and the record's year against Casablanca's date (UTC+1, UTC+0 in Ramadan),
# not UTC's.  The server runs with its clock set (WATIQA_FAKE_NOW) to 23:30 UTC, which
# is already tomorrow in Morocco outside Ramadan, and still today during it.
source "$(dirname "$0")/lib.sh"
wq_start_server # the demo is loaded at today's clock; serve is restarted with another
kill "$WQ_SERVE_PID"
for ((i = 0; i < 100; i++)); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
source "$(dirname "$0")/web_lib.sh"

# UTC-INSTANT BIRTH-DATE RECORD-YEAR -> st, the HTTP status of the order.  In this shell,
# not in $(...): the servers it starts are then the story's own, stopped at its end
order_at() {
	export WATIQA_FAKE_NOW
	WATIQA_FAKE_NOW=$(date -u -d "$1" +%s)
	wq_start_server
	web_get / >/dev/null
	st=$(web_post_order /order/confirm "birth_date=$2" "record_year=$3")
	kill "$WQ_SERVE_PID"
	for ((i = 0; i < 100; i++)); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
}
count() { wq_sql "SELECT count(*) FROM requests WHERE birth_date = '$1'"; }

# 2027-05-20 23:30 UTC is 2027-05-21 00:30 in Casablanca (UTC+1)
order_at "2027-05-20 23:30" 2027-05-21 2027
[ "$st" = 303 ] || fail "born 2027-05-21 at 00:30 Morocco time answered $st"
[ "$(count 2027-05-21)" = 1 ] || fail "the order born 2027-05-21 is not there"
ok "at 00:30 in Casablanca (23:30 UTC): born today (2027-05-21) is ordered"
order_at "2027-05-20 23:30" 2027-05-22 2027
[ "$st" = 422 ] || fail "born 2027-05-22 answered $st"
grep -q 'pas dans le futur' "$T/page.html" || fail "no future-date error next to the birth date"
[ "$(count 2027-05-22)" = 0 ] || fail "a birth in the future was written"
ok "born tomorrow (2027-05-22) refused: 422, nothing written"

# in Ramadan Morocco is UTC+0: 2027-02-20 23:30 UTC is still the 20th
order_at "2027-02-20 23:30" 2027-02-21 2027
[ "$st" = 422 ] || fail "in Ramadan, born 2027-02-21 at 23:30 on the 20th answered $st"
[ "$(count 2027-02-21)" = 0 ] || fail "a birth in the future was written"
order_at "2027-02-20 23:30" 2027-02-20 2027
[ "$st" = 303 ] || fail "in Ramadan, born 2027-02-20 answered $st"
ok "in Ramadan (UTC+0) at 23:30: born 2027-02-21 refused, 2027-02-20 ordered"

# the first of January: this year's record, at 00:30 in Casablanca on 2028-01-01
order_at "2027-12-31 23:30" 2028-01-01 2028
[ "$st" = 303 ] || fail "record year 2028 at 00:30 on 2028-01-01 (Morocco) answered $st"
ok "at 00:30 on 1 January in Casablanca: the new year's record (2028) is ordered"
