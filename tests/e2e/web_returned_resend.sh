#!/usr/bin/env bash
# A returned envelope sent again to a corrected address (issue 13, item 3).  R chooses
# on the tracking page (French) to have it sent again: a bad postal code and an empty
# city are refused, each named next to its field, and nothing changes; the corrected
# address goes to the sandbox gateway for the postage of etc/fees.conf (15 MAD), under an
# order of its own; the gateway's callback moves R back to ready with the new address,
# and a replayed callback changes nothing.  Postage is not the commune's money: R's fee
# payment is untouched, the postage kept apart.  The post desk (post1 over OpenSSH) sees
# the envelope waiting again, refuses its first registered-mail code and hands it over
# with a new one.  Q does the same through the JSON API; a second payment of Q's postage
# is recorded owed back and refunded to the card by itself (the gateway's refund call,
# its own idempotency key, Q told), apart from the fees: `watiqa check` passes, the
# post's money on a line of its own.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

state() { web_sql "SELECT state FROM requests WHERE tracking = '$1'"; }
resend() { # TRACKING SECRET ADDRESS POSTAL_CODE CITY: POST /returned, choice resend
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/choice.html" -D "$T/headers" \
		-w '%{http_code}' --data-urlencode lang=fr --data-urlencode "tracking=$1" \
		--data-urlencode "secret=$2" --data-urlencode "csrf=$(web_token "$T/track.html")" \
		--data-urlencode choice=resend --data-urlencode "address=$3" \
		--data-urlencode "postal_code=$4" --data-urlencode "city=$5" "$WQ_URL/returned"
}
s10() { python3 -c 'import sys
n = sys.argv[1]; w = [8, 6, 4, 2, 3, 5, 9, 7]
c = 11 - sum(int(d) * k for d, k in zip(n, w)) % 11
print("RR%s%dMA" % (n, 0 if c == 10 else 5 if c == 11 else c))' "$1"; }

# 1. R: the choice offered with its postage; bad fields refused, named
web_returned_order R
[ "$(web_track "$R_T" "$R_S")" = 200 ] || fail "tracking page of R"
grep -q 'id="choice-resend"' "$T/track.html" || fail "resend is not offered"
web_id "$T/track.html" postage | grep -q '^15.00 DH$' ||
	fail "postage shown '$(web_id "$T/track.html" postage)', want 15.00 DH"
size=$(wc -c <"$T/track.html"); [ "$size" -lt 20480 ] || fail "tracking page is $size bytes"
st=$(resend "$R_T" "$R_S" "12 avenue Hassan II" "20#00" "")
[ "$st" = 422 ] || fail "a bad postal code and no city answered $st"
grep -q 'id="e-postal_code"' "$T/choice.html" && grep -q 'id="e-city"' "$T/choice.html" ||
	fail "the errors are not named next to postal_code and city"
! grep -q 'id="e-address"' "$T/choice.html" || fail "a good address was called wrong"
grep -q 'id="choice-resend"[^>]*checked' "$T/choice.html" || fail "resend not kept checked"
[ "$(state "$R_T")" = returned ] && [ "$(web_sql "SELECT count(*) FROM redispatches")" = 0 ] ||
	fail "a refused address changed something"
ok "R ($R_T): resend offered for 15.00 DH ($size bytes); a bad postal code and an empty city refused, named, nothing changed"

# 2. the corrected address, to the gateway for the postage
cp "$T/choice.html" "$T/track.html" # its CSRF token
[ "$(resend "$R_T" "$R_S" "12 avenue Hassan II" "20000" "Casablanca")" = 303 ] ||
	{ cat "$T/choice.html"; fail "resend with a good address"; }
pay=$(web_location)
case $pay in *order=$R_T-P1\&amount=1500\&*) ;; *) fail "checkout $pay" ;; esac
[ "$(state "$R_T")" = returned ] || fail "R moved before the postage was paid"
# the tracking page shows the re-dispatch started, its address masked, postage unpaid
[ "$(web_track "$R_T" "$R_S")" = 200 ] || fail "tracking page of R"
grep -q 'id="redispatch" data-state="pending_payment"' "$T/track.html" &&
	grep -q 'id="redispatch_postage" data-paid="0">15.00 DH</b> en attente de votre paiement' "$T/track.html" ||
	fail "the re-dispatch waiting for its postage is not shown"
ok "a good address sends the citizen to the gateway: order $R_T-P1, 15.00 MAD; the tracking page shows it waiting for the postage"
web_pay "$pay" 4000000000000002 >/dev/null
grep -q 'id="result">Frais d[^ ]*envoi reçus' "$T/paid.html" || { cat "$T/paid.html"; fail "return page"; }
[ "$(state "$R_T")" = ready ] || fail "R is $(state "$R_T") after the postage"
[ "$(web_sql "SELECT address || '|' || postal_code || '|' || city FROM requests
	WHERE tracking = '$R_T'")" = "12 avenue Hassan II|20000|Casablanca" ] || fail "address not corrected"
[ "$(web_sql "SELECT p.status || ' ' || p.amount_centimes FROM postage_payments p
	JOIN redispatches d ON d.id = p.redispatch_id WHERE d.order_ref = '$R_T-P1'")" = "confirmed 1500" ] ||
	fail "postage not recorded"
[ "$(web_sql "SELECT group_concat(p.status || ' ' || p.amount_centimes) FROM payments p
	JOIN requests r ON r.id = p.request_id WHERE r.tracking = '$R_T'")" = "confirmed 2000" ] ||
	fail "R's fee payments changed: the postage is not the commune's"
[ "$(web_sql "SELECT m.code || ' ' || m.address FROM mail_past m JOIN requests r ON r.id = m.request_id
	WHERE r.tracking = '$R_T'")" = "$R_C 9 rue Moulay Youssef" ] || fail "first dispatch not kept"
ok "postage paid at the sandbox: R ready again for 12 avenue Hassan II, 20000 Casablanca; the fee untouched, the first item ($R_C) kept"

# the tracking page (fr): the corrected address masked, the postage paid, no code yet
[ "$(web_track "$R_T" "$R_S")" = 200 ] || fail "tracking page of R"
grep -q 'id="redispatch" data-state="paid"' "$T/track.html" || fail "re-dispatch state"
grep -q 'id="redispatch_address">12 a\*\*\*\*\* H\*\*\*\*\* I\*, <span class="ltr">20000</span> Casablanca</b>' \
	"$T/track.html" || fail "masked address: $(grep -o 'id="redispatch_address">[^/]*' "$T/track.html")"
! grep -q 'avenue\|Hassan II' "$T/track.html" || fail "the corrected address is shown whole"
grep -q 'data-paid="1">15.00 DH</b> payés le' "$T/track.html" && ! grep -q 'id="redispatch_code"' "$T/track.html" ||
	fail "postage paid / no code yet"
web_id "$T/track.html" redispatch_state | grep -q "le pli sera remis à la poste" || fail "state label"
ok "tracking page (fr): re-dispatch paid, to 12 a***** H***** I*, 20000 Casablanca (masked), no new code yet"

# 3. the gateway's callbacks replayed: nothing changes
n_ev=$(web_sql "SELECT count(*) FROM request_events")
[ "$(curl -s "$SANDBOX/sandbox/callbacks" | grep -c "order=$R_T-P1")" -ge 1 ] || fail "no callback to replay"
curl -s "$SANDBOX/sandbox/callbacks" | grep "order=$R_T-P1" | while IFS=$'\t' read -r url body; do
	st=$(curl -s -o "$T/replay" -w '%{http_code}' -d "$body" "$url")
	[ "$st" = 200 ] && grep -q already "$T/replay" || fail "replayed callback: $st $(cat "$T/replay")"
done
[ "$(web_sql "SELECT count(*) FROM request_events")" = "$n_ev" ] &&
	[ "$(web_sql "SELECT count(*) FROM postage_payments")" = 1 ] || fail "a replay changed something"
ok "the postage callback replayed: 'already', no event, no payment added"

# 4. the post desk over OpenSSH: waiting again, the old code refused, a new one recorded
new=$(s10 "$(printf '%08d' $(( (10#${R_T:1:8} + 1) % 100000000 )))")
wq_login p post1 watiqa-demo
wq_screen_wait p "Post desk" 20
wq_type p /
wq_screen_wait p "Search:" 5
wq_type p -l "$R_T"
wq_type p Enter
wq_screen_wait p "^>.$R_T" 5
wq_type p p
wq_screen_wait p "Pickup of $R_T" 5
wq_type p -l "$R_C"
wq_type p Enter
wq_screen_wait p "refused: .*code $R_C was used for an earlier dispatch" 5
[ "$(state "$R_T")" = ready ] || fail "R handed over with its old code"
wq_type p p
wq_screen_wait p "Pickup of $R_T" 5
wq_type p -l "$new"
wq_type p Enter
wq_screen_wait p "$R_T picked up: .* registered as $new" 5
[ "$(state "$R_T")" = with_post ] || fail "R is $(state "$R_T")"
[ "$(web_sql "SELECT m.code FROM mail_items m JOIN requests r ON r.id = m.request_id
	WHERE r.tracking = '$R_T'")" = "$new" ] || fail "new code not on the envelope"
wq_type p q
ok "post1 over SSH: $R_T waiting again, its first code $R_C refused, handed over as $new"

# the tracking page in Arabic and the API: with the post again, the new code shown
[ "$(web_track "$R_T" "$R_S" ar)" = 200 ] || fail "tracking page of R (ar)"
grep -q 'id="redispatch" data-state="with_post"' "$T/track.html" &&
	[ "$(web_id "$T/track.html" redispatch_code)" = "$new" ] &&
	grep -q 'رقم البريد المضمون الجديد' "$T/track.html" && grep -q 'إعادة الإرسال إلى العنوان المصحح' "$T/track.html" ||
	fail "the Arabic tracking page does not show the new code $new"
size=$(wc -c <"$T/track.html"); [ "$size" -lt 20480 ] || fail "tracking page is $size bytes"
curl -s -o "$T/track.json" -H 'Content-Type: application/json' \
	-d "{\"tracking\":\"$R_T\",\"secret\":\"$R_S\",\"lang\":\"ar\"}" "$WQ_URL/api/v1/track"
python3 - "$T/track.json" "$new" "$R_T" <<'PY' || fail "API track: $(cat "$T/track.json")"
import json, sys
d = json.load(open(sys.argv[1]))["redispatch"]
assert d["order"] == sys.argv[3] + "-P1" and d["state"] == "with_post", d
assert d["address"] == "12 a***** H***** I*" and d["postal_code"] == "20000", d
assert d["postage_centimes"] == 1500 and d["postage_paid"] is True and d["paid_at"] > 0, d
assert d["mail_code"] == sys.argv[2] and d["postage_refund"] is None, d
PY
ok "tracking page (ar, $size bytes) and API: with the post again under $new, the address masked"

# 5. Q through the API; a second payment of the same postage is owed back
web_returned_order Q
api() { curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"tracking\":\"$Q_T\",\"secret\":\"$Q_S\",\"choice\":\"resend\",$1}" \
	"$WQ_URL/api/v1/returned"; }
st=$(api '"address":"","postal_code":"10020","city":"Rabat"')
[ "$st" = 422 ] && python3 -c 'import json,sys
e = json.load(open(sys.argv[1]))["errors"]; assert list(e) == ["address"], e' "$T/api.json" ||
	fail "API: an empty address answered $st $(cat "$T/api.json")"
st=$(api '"address":"3 rue de Fès","postal_code":"10020","city":"Rabat"')
[ "$st" = 200 ] || fail "API resend: $st $(cat "$T/api.json")"
qpay=$(python3 -c 'import json,sys; j = json.load(open(sys.argv[1]))
assert j["postage"]["order"] == sys.argv[2] + "-P1" and j["postage"]["amount_centimes"] == 1500, j
print(j["payment_url"])' "$T/api.json" "$Q_T") || fail "API answer $(cat "$T/api.json")"
web_pay "$qpay" 4000000000000002 >/dev/null
[ "$(state "$Q_T")" = ready ] || fail "Q is $(state "$Q_T")"
web_pay "$qpay" 4000000000000002 >/dev/null
[ "$(web_sql "SELECT group_concat(status) FROM postage_payments p JOIN redispatches d
	ON d.id = p.redispatch_id WHERE d.order_ref = '$Q_T-P1' ORDER BY p.id")" = "confirmed,owed_back" ] ||
	fail "the second postage payment is not owed back"
ok "Q ($Q_T) through the API: an empty address refused (errors.address), paid, ready; paid twice: the second owed back"

# 6. the second postage goes back to the card by itself: the gateway's refund call, once,
# with its own idempotency key; the citizen told; the fees' book untouched
second=$(web_sql "SELECT p.gateway_ref FROM postage_payments p JOIN redispatches d
	ON d.id = p.redispatch_id WHERE d.order_ref = '$Q_T-P1' AND p.status = 'owed_back'")
pstate() { web_sql "SELECT state FROM postage_refunds WHERE request_id =
	(SELECT id FROM requests WHERE tracking = '$Q_T')"; }
for ((i = 0; i < 300; i++)); do [ "$(pstate)" = refunded ] && break; sleep 0.1; done
[ "$(pstate)" = refunded ] || fail "the postage owed back is '$(pstate)', never refunded"
key=$(web_sql "SELECT idem_key FROM postage_refunds")
curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$second" '$2 == t' >"$T/sbx_refund"
[ "$(wc -l <"$T/sbx_refund")" = 1 ] && [ "$(cut -f1,3 "$T/sbx_refund")" = "$key	1500" ] ||
	fail "the gateway's refunds of $second: $(cat "$T/sbx_refund"), want one of 1500 with $key"
case $key in RP-$Q_T-P1-*) ;; *) fail "idempotency key $key" ;; esac
[ "$(web_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
	WHERE r.tracking = '$Q_T' AND o.body LIKE '%frais d''envoi payés en trop (15.00 DH)%remboursés%'")" = 2 ] ||
	fail "the citizen is not told on both channels: $(web_sql "SELECT body FROM outbox o
	JOIN requests r ON r.id = o.request_id WHERE r.tracking = '$Q_T' ORDER BY o.id DESC LIMIT 1")"
[ "$(web_sql "SELECT count(*) FROM refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$Q_T'")" = 0 ] || fail "the postage went into the fees' refunds"
[ "$(web_track "$Q_T" "$Q_S")" = 200 ] &&
	grep -q 'id="postage_refund" data-state="refunded">Frais d&#39;envoi payés en trop' "$T/track.html" ||
	grep -q 'id="postage_refund" data-state="refunded">Frais d.envoi payés en trop' "$T/track.html" ||
	fail "Q's tracking page does not show the postage refunded: $(grep -o 'id="postage_refund"[^<]*' "$T/track.html")"
[ "$(web_id "$T/track.html" postage_refund_amount)" = "15.00 DH" ] || fail "postage refund amount"
ok "the second postage ($second) refunded by the gateway once, key $key; Q told by SMS and e-mail; no fee refund"

# 7. the books: the fees balance without the postage; the post's money apart
wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "check failed"; }
grep -q "^postage: collected 45.00 - owed back 15.00 (refunded 15.00) = kept 30.00 MAD$" "$T/check.out" ||
	{ cat "$T/check.out"; fail "check's postage line"; }
ok "watiqa check passes: $(grep '^money' "$T/check.out"); $(grep '^postage' "$T/check.out")"
