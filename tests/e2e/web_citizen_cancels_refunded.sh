#!/usr/bin/env bash
# Money goes back to the card.  A citizen cancels a paid request from the tracking page
# (French) before the office claims it: it leaves the queue, the sandbox gateway refunds
# it once, the citizen is texted and the page and the JSON API show the refund with its
# state, amount and date.  Another (Arabic) whose request an agent claimed cannot cancel
# (409, the sentence in Arabic, nothing changes).  A card that refuses refunds ends in
# refund_failed, told to the citizen; a refund whose first call times out is sent again
# with the same idempotency key and refunded once.  An agent rejects a paid request at
# the SSH screen: refunded too.  A citizen who pays twice gets the second payment back.
# `watiqa check` balances the money to the centime.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
T0=$(date +%s) # the story's refunds are all after this

# order NAME LANG CARD: orders one extract through the API and pays with CARD at the
# sandbox; sets ${NAME}_T, ${NAME}_S (tracking, secret).
order() {
	local name=$1 lang=$2 card=$3 body
	body=$(curl -s -H 'Content-Type: application/json' -d "{\"lang\":\"$lang\",
		\"doc_type\":\"extract\",\"copies\":1,\"commune\":1,\"record_number\":\"4321\",
		\"record_year\":\"1985\",\"last_name_ar\":\"بناني\",\"first_name_ar\":\"سعيد\",
		\"last_name_lat\":\"Bennani\",\"first_name_lat\":\"Said\",\"birth_date\":\"1985-01-20\",
		\"address\":\"4 avenue Hassan II\",\"postal_code\":\"10000\",\"city\":\"Rabat\",
		\"phone\":\"0661000$(printf %03d $((RANDOM % 1000)))\",\"email\":\"said@example.ma\"}" "$WQ_URL/api/v1/requests")
	local t s pay
	t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tracking"])' "$body")
	s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$body")
	pay=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["payment_url"])' "$body")
	web_pay "$pay" "$card" >/dev/null
	[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$t'")" = paid ] ||
		fail "$name ($t) not paid with $card"
	printf -v "${name}_T" %s "$t"
	printf -v "${name}_S" %s "$s"
	printf -v "${name}_P" %s "$pay"
}
txn_of() { web_sql "SELECT p.gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$1'"; }
# cancel_form TRACKING SECRET LANG [confirm]: POST /cancel from the tracking page
cancel_form() {
	local args=(--data-urlencode "lang=$3" --data-urlencode "tracking=$1"
		--data-urlencode "secret=$2" --data-urlencode "csrf=$(web_token "$T/track.html")")
	[ -n "${4:-}" ] && args+=(--data-urlencode "confirm=1")
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/cancel.html" -w '%{http_code}' "${args[@]}" \
		"$WQ_URL/cancel"
}
api() { # PATH JSON -> body in $T/api.json, prints the status
	curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$2" "$WQ_URL$1"
}
jq_() { python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k] if v is not None else None
print("null" if v is None else v)' "$T/api.json" "$1"; }

# 1. A cancels from the tracking page in French
order A fr 4000000000000002
[ "$(web_track "$A_T" "$A_S")" = 200 ] || fail "tracking page of A"
grep -q 'id="cancelbtn"' "$T/track.html" || fail "no cancel form on a paid request"
# a cross-site form: code and confirmation right, no CSRF token nor cookie
st=$(curl -s -o "$T/cancel.html" -w '%{http_code}' --data-urlencode "tracking=$A_T" \
	--data-urlencode "secret=$A_S" --data-urlencode confirm=1 "$WQ_URL/cancel")
[ "$st" = 403 ] || fail "a cancel without the CSRF token answered $st"
[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$A_T'")" = paid ] ||
	fail "a cancel without the CSRF token moved $A_T"
[ "$(cancel_form "$A_T" "$A_S" fr)" = 422 ] || fail "cancel without the confirmation box"
grep -q 'id="e-confirm"' "$T/cancel.html" || fail "no error next to the confirmation box"
[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$A_T'")" = paid ] ||
	fail "unconfirmed cancel changed the request"
[ "$(cancel_form "$A_T" ZZZZZZ fr 1)" = 404 ] || fail "cancel with a wrong secret code"
[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$A_T'")" = paid ] ||
	fail "a wrong secret code cancelled the request"
ok "cancel refused without the confirmation box (error next to it) and with a wrong code"
[ "$(cancel_form "$A_T" "$A_S" fr 1)" = 200 ] || { cat "$T/cancel.html"; fail "cancel of A"; }
grep -q 'id="notice"' "$T/cancel.html" && grep -q 'id="state" data-state="cancelled"' "$T/cancel.html" ||
	fail "the page does not say cancelled"
queued=$(web_sql "SELECT count(*) FROM requests WHERE tracking = '$A_T' AND state = 'paid'")
[ "$queued" = 0 ] || fail "A still in the queue"
ok "A ($A_T) cancelled from the French tracking page: out of the queue"
wait_refund "$A_T" refunded
txn=$(txn_of "$A_T")
[ "$(curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t' | wc -l)" = 1 ] ||
	fail "the gateway did not refund A's payment exactly once"
curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t {print $3}' | grep -qx 2000 ||
	fail "A's refund is not 20.00"
[ "$(web_sql "SELECT p.status FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$A_T'")" = refunded ] || fail "A's payment not marked refunded"
web_track "$A_T" "$A_S" >/dev/null
grep -q 'id="refund" data-state="refunded"' "$T/track.html" || fail "tracking page lacks the refund"
[ "$(web_id "$T/track.html" refund_amount)" = "20.00 DH" ] ||
	fail "refund amount shown: $(web_id "$T/track.html" refund_amount)"
[ -n "$(web_id "$T/track.html" refund_date)" ] || fail "refund date missing"
! grep -q 'id="cancelbtn"' "$T/track.html" || fail "cancel form still offered"
[ "$(api /api/v1/track "{\"tracking\":\"$A_T\",\"secret\":\"$A_S\"}")" = 200 ] || fail "API track"
[ "$(jq_ refund.state)" = refunded ] && [ "$(jq_ refund.amount_centimes)" = 2000 ] &&
	[ "$(jq_ state)" = cancelled ] || fail "API does not show the refund: $(cat "$T/api.json")"
for ((i = 0; i < 100; i++)); do
	curl -s "$SANDBOX/sms/log" | grep "$A_T" | grep -q 'remboursés sur votre carte\.' && break
	sleep 0.1
done
curl -s "$SANDBOX/sms/log" | grep "$A_T" | grep -q 'ont été remboursés sur votre carte' ||
	fail "A was not texted the refund"
ok "A refunded once by the gateway (20.00), texted; tracking page and API show it"

# 2. B (Arabic): the office claimed it: no cancellation, page and API say why
order B ar 4000000000000002
wq request move "$B_T" claimed --as agent1 --db "$WQ_DB" >/dev/null
web_track "$B_T" "$B_S" ar >/dev/null
! grep -q 'id="cancelbtn"' "$T/track.html" || fail "cancel offered on a claimed request"
[ "$(cancel_form "$B_T" "$B_S" ar 1)" = 409 ] || fail "cancel of a claimed request"
grep -q 'شرع المكتب في معالجة طلبك' "$T/cancel.html" || fail "no Arabic reason on the page"
[ "$(api /api/v1/cancel "{\"tracking\":\"$B_T\",\"secret\":\"$B_S\",\"lang\":\"ar\"}")" = 409 ] ||
	fail "API cancel of a claimed request"
[ "$(jq_ error)" = too_late ] || fail "API error: $(cat "$T/api.json")"
[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$B_T'")" = claimed ] &&
	[ -z "$(refund_state "$B_T")" ] || fail "B changed"
ok "B ($B_T, claimed) cannot be cancelled: 409 with the reason in Arabic, page and API"

# 3. C's card refuses refunds: refund_failed, the citizen told
order C fr 4000000000000036
[ "$(api /api/v1/cancel "{\"tracking\":\"$C_T\",\"secret\":\"$C_S\"}")" = 200 ] ||
	fail "API cancel of C: $(cat "$T/api.json")"
[ "$(jq_ state)" = cancelled ] || fail "API cancel answer"
wait_refund "$C_T" refund_failed
web_track "$C_T" "$C_S" >/dev/null
grep -q 'id="refund" data-state="refund_failed"' "$T/track.html" || fail "page lacks the failure"
for ((i = 0; i < 100; i++)); do
	curl -s "$SANDBOX/sms/log" | grep "$C_T" | grep -q 'a été refusé' && break
	sleep 0.1
done
curl -s "$SANDBOX/sms/log" | grep "$C_T" | grep -q 'a été refusé' || fail "C not told"
ok "C ($C_T): the card refuses the refund: refund_failed, shown and texted"

# 4. D's first refund call times out: sent again with the same key, refunded once
order D fr 4000000000000044
[ "$(api /api/v1/cancel "{\"tracking\":\"$D_T\",\"secret\":\"$D_S\"}")" = 200 ] || fail "cancel D"
wait_refund "$D_T" refund_sent 10
web_track "$D_T" "$D_S" >/dev/null
grep -q 'id="refund" data-state="refund_sent"' "$T/track.html" || fail "page lacks refund_sent"
wait_refund "$D_T" refunded 40
txn=$(txn_of "$D_T")
line=$(curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t')
[ "$(printf '%s\n' "$line" | wc -l)" = 1 ] || fail "D refunded more than once: $line"
[ "$(printf '%s\n' "$line" | cut -f5)" -ge 2 ] || fail "D's refund was not asked again: $line"
[ "$(web_sql "SELECT attempts >= 2 FROM refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$D_T'")" = 1 ] || fail "D's attempts"
ok "D ($D_T): the first call timed out, the retry with the same key got the one refund"

# 5. E: an agent rejects it at the SSH screen; the fee goes back
order E fr 4000000000000002
wq_login a agent1 watiqa-demo
wq_screen_wait a "Agent queue" 20
wq_type a /
wq_screen_wait a "Search:" 5
wq_type a -l "$E_T"
wq_type a Enter
wq_screen_wait a "^>.$E_T" 10
wq_type a x
wq_screen_wait a "record not found" 5
wq_type a Enter
wq_screen_wait a "Reject $E_T" 5
wq_type a y
wq_screen_wait a "$E_T rejected" 10
wait_refund "$E_T" refunded
ok "E ($E_T) rejected by agent1 over SSH: refunded"

# 6. Z pays twice (the gateway's page again, in another tab): the second payment is
#    owed back at once, the request stays paid once
order Z fr 4000000000000002
web_pay "$Z_P" 4000000000000002 >/dev/null
wait_refund "$Z_T" refunded
[ "$(web_sql "SELECT count(*) FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$Z_T' AND p.status = 'confirmed'")" = 1 ] &&
	[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$Z_T'")" = paid ] ||
	fail "Z's first payment or state changed"
second=$(web_sql "SELECT p.gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$Z_T' AND p.status = 'refunded'")
[ -n "$second" ] && [ "$(curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$second" '$2 == t' | wc -l)" = 1 ] ||
	fail "Z's second payment not refunded once"
[ "$(web_sql "SELECT count(*) FROM audit_log WHERE action = 'payment.duplicate' AND target = '$Z_T'")" -ge 1 ] ||
	fail "the second payment is not audited"
ok "Z ($Z_T) paid twice: the second payment refunded at once, the request paid once"

# 7. the books
wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
grep -q '^money: collected .* - refunds .* = distributed .* + due .* MAD$' "$T/check.out" ||
	fail "check prints no money line: $(cat "$T/check.out")"
ok "watiqa check: $(grep '^money' "$T/check.out")"

# 8. finance1 (RBT-HASSAN, where these orders went) sees the refunds of the day at the
#    SSH screen, the refused one marked, and where the commune's refunds stand
commune=$(web_sql "SELECT c.code FROM requests r JOIN offices o ON o.id = r.office_id
	JOIN communes c ON c.id = o.commune_id WHERE r.tracking = '$A_T'")
[ "$commune" = RBT-HASSAN ] || fail "the orders went to $commune, not finance1's commune"
# the story's days: today, and the day it began on when it crossed midnight (the period
# of the screen is set to them: its default, this month, may not hold that first day)
day0=$(TZ=Africa/Casablanca date -d "@$T0" +%Y-%m-%d)
today=$(TZ=Africa/Casablanca date +%Y-%m-%d)
wq_login f finance1 watiqa-demo
wq_screen_wait f "Revenue" 20
wq_type f p
wq_screen_wait f "Show which period" 5
wq_type f C-u
wq_type f -l "$day0..$today"
wq_type f Enter
wq_type f 5
wq_screen_wait f "Paid back" 10
# what happened on those days in the commune, counted the other way (the demo's own
# refunds too): owed: A C D E Z and the demo's; paid back: A D E Z and the demo's;
# refused: C alone
day_sum() { TZ=Africa/Casablanca sqlite3 "$WQ_DB" "SELECT count(*) || ' ' ||
	printf('%.2f', coalesce(sum(f.amount_centimes), 0) / 100.0) FROM refunds f
	JOIN requests r ON r.id = f.request_id JOIN offices o ON o.id = r.office_id
	JOIN communes c ON c.id = o.commune_id WHERE c.code = 'RBT-HASSAN' AND $1
	AND date($2, 'unixepoch', 'localtime') = '$3'"; }
sum_no=0 sum_nd=0 sum_nf=0
for day in $(printf '%s\n' "$day0" "$today" | uniq); do
	row=$(wq_screen f | grep "^. $day " || true)
	read -r no owed <<<"$(day_sum 1 f.created_at "$day")"
	read -r nd done <<<"$(day_sum "f.state = 'refunded'" f.done_at "$day")"
	read -r nf refused <<<"$(day_sum "f.state = 'refund_failed'" f.done_at "$day")"
	[ -n "$row" ] || [ "$no$nd$nf" = 000 ] || { wq_screen f; fail "no refund row for $day"; }
	[ -z "$row" ] || echo "$row" | grep -Eq "$day +$no +$owed +$nd +$done +$nf +$refused" ||
		{ wq_screen f; fail "$day's refunds: $row, expected $no $owed $nd $done $nf $refused"; }
	sum_no=$((sum_no + no)) sum_nd=$((sum_nd + nd)) sum_nf=$((sum_nf + nf))
done
no=$sum_no nd=$sum_nd
[ "$sum_nf" = 1 ] && [ "$no" -ge 4 ] && [ "$nd" -ge 3 ] || fail "today's refunds in the DB: $no $nd $sum_nf"
wq_type f 4
wq_screen_wait f "REFUSED by the card" 10
wq_screen f | grep "REFUSED by the card" | grep -Eq ' 1 +20\.00' ||
	{ wq_screen f; fail "the refused refund is not counted in Money"; }
ok "finance1 sees today's refunds ($no owed, $nd paid back, 1 refused) and the refused one in Money"
