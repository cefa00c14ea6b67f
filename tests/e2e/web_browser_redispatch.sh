#!/usr/bin/env bash
# A real headless Chromium brings back an envelope the post returned (issue 13, item 3):
# the citizen finds the request on the tracking page with its two codes, chooses to have
# it sent again to a corrected address, types it, pays the postage at the sandbox gateway
# and sees on the tracking page the re-dispatch paid, its address masked, the envelope to
# be handed to the post (tests/browser/returned_redispatch.py), in French and in Arabic.
# The other choices (collect at the office, refund) go over HTTP in
# web_returned_envelope.sh.  Screenshots: tests/out/browser/.
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (make test-deps)"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
out=$WQ_ROOT/tests/out/browser
browse() { python3 "$WQ_ROOT/tests/browser/returned_redispatch.py" "$WQ_URL" "$out" "$@"; }

web_returned_order R
browse fr "$R_T" "$R_S" "12 avenue Hassan II" 20000 Casablanca "12 a***** H***** I*" ||
	fail "the French browser story"
web_returned_order S
browse ar "$S_T" "$S_S" "زنقة الورود رقم 8" 10090 "الرباط" "ز*** ا***** ر** 8" ||
	fail "the Arabic browser story"
for t in "$R_T" "$S_T"; do
	[ "$(web_sql "SELECT r.state || ' ' || d.state || ' ' || p.status || ' ' || p.amount_centimes
		FROM requests r JOIN redispatches d ON d.request_id = r.id
		JOIN postage_payments p ON p.redispatch_id = d.id WHERE r.tracking = '$t'")" = \
		"ready paid confirmed 1500" ] || fail "$t: the re-dispatch is not paid and ready"
done
[ "$(web_sql "SELECT address || '|' || postal_code || '|' || city FROM requests
	WHERE tracking = '$S_T'")" = "زنقة الورود رقم 8|10090|الرباط" ] || fail "S's address not corrected"
ok "Chromium sent $R_T (fr) and $S_T (ar) again to corrected addresses, the postage paid; screenshots in tests/out/browser/"
