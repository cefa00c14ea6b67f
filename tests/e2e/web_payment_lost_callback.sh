#!/usr/bin/env bash
# A card charged while serve is down (a restart, an upgrade): the gateway's callbacks
# find nobody and give up, and nothing told the server of the payment.  It is found
# through the gateway's inquiry by order (payment.h step 6), never by a txn taken from
# the unsigned return URL: the citizen's return pays the order; "pay again" shows it
# paid instead of charging the card twice; an order whose citizen never came back is
# paid by the sweep instead of expired, and one the gateway cannot be asked about is not
# expired until it can; the postage of a re-dispatch paid during a restart sends the
# envelope again on the return.  Every payment once; `watiqa check` holds.  And an order
# form loaded before a restart is still taken after it.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
state() { web_sql "select state from requests where tracking='$1'"; }
pays() { web_sql "select count(*) from payments p join requests r on r.id=p.request_id
	where r.tracking='$1' and p.status='confirmed'"; }
gateway_paid() { curl -s "$SANDBOX/sandbox/callbacks" | grep -c "order=$1&.*status=paid" || true; }
# an order, then its card charged while serve is stopped; serve started again
paid_while_down() { # NAME: sets NAME_T and NAME_PAY
	web_get / >/dev/null
	[ "$(web_post_order /order/confirm copies=1)" = 303 ] || fail "$1: order"
	printf -v "$1_PAY" '%s' "$(web_location)"
	printf -v "$1_T" '%s' "$(web_sql "select tracking from requests order by id desc limit 1")"
	local pay=${1}_PAY
	kill -TERM "$WQ_SERVE_PID"
	wait "$WQ_SERVE_PID" 2>/dev/null || true
	web_pay "${!pay}" 4000000000000002 >/dev/null || true # its return finds nobody too
	wq_serve_again none
}

# ---- the return page ----
paid_while_down A
[ "$(state "$A_T")" = pending_payment ] || fail "A is $(state "$A_T") before its return"
txn=$(curl -s "$SANDBOX/sandbox/callbacks" | grep "order=$A_T&" | grep -o 'txn=SBX[0-9A-F]*' | cut -d= -f2)
[ -n "$txn" ] || fail "no callback tried for $A_T"
st=$(curl -s -b "$WEB_JAR" -o "$T/ret.html" -w '%{http_code}' \
	"$WQ_URL/paid?order=$A_T&txn=SBXMADEUP0002&status=paid&lang=fr")
[ "$st" = 200 ] && [ "$(state "$A_T")" = paid ] ||
	fail "the return page: $st, A is $(state "$A_T"): $(web_id "$T/ret.html" result)"
grep -q 'id="result">Paiement reçu' "$T/ret.html" || fail "the page does not say paid"
curl -s "$SANDBOX/sandbox/confirms" >"$T/confirms"
grep -q SBXMADEUP "$T/confirms" && fail "the return's txn reached the gateway"
grep -q "^order $A_T	$txn" "$T/confirms" || fail "no inquiry for $A_T: $(cat "$T/confirms")"
[ "$(pays "$A_T")" = 1 ] || fail "A: $(pays "$A_T") confirmed payments"
ok "paid during a restart, callback lost: the return page asked the gateway about $A_T (not the URL's txn): paid with $txn"

# ---- pay again ----
paid_while_down B
sec=$(grep wq_order "$WEB_JAR" | awk '{print $7}' | cut -d. -f2)
curl -s -b "$WEB_JAR" -o "$T/ret.html" "$WQ_URL/paid?order=$B_T&txn=x&status=declined&lang=fr"
st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -D "$T/h2" -o "$T/again.html" -w '%{http_code}' \
	--data-urlencode lang=fr --data-urlencode "tracking=$B_T" --data-urlencode "secret=$sec" \
	--data-urlencode "csrf=$(web_token "$T/ret.html")" "$WQ_URL/pay")
grep -qi '^location:.*/pay?' "$T/h2" && fail "pay again sent the citizen to a second checkout"
[ "$st" = 200 ] && [ "$(state "$B_T")" = paid ] || fail "pay again: $st, B is $(state "$B_T")"
grep -q "$B_T" "$T/again.html" || fail "pay again did not show $B_T's tracking page"
[ "$(gateway_paid "$B_T")" = 1 ] && [ "$(pays "$B_T")" = 1 ] || fail "B paid $(gateway_paid "$B_T") times"
ok "pay again on $B_T: the gateway had its payment; the tracking page, no second charge"

# ---- the sweep: a citizen who never came back ----
paid_while_down C
web_get / >/dev/null
[ "$(web_post_order /order/confirm copies=1)" = 303 ] || fail "D: order"
D_T=$(web_sql "select tracking from requests order by id desc limit 1") # never paid
web_sql "update requests set created_at = created_at - 90000 where tracking in ('$C_T', '$D_T')"
curl -s -d on=1 "$SANDBOX/sandbox/confirm_fail" >/dev/null
wq_serve_again TERM # it sweeps at start
wq_wait_for "$T/serve2.log" "not expired this minute" 20
[ "$(state "$C_T")" = pending_payment ] && [ "$(state "$D_T")" = pending_payment ] ||
	fail "expired without the gateway's answer: C $(state "$C_T"), D $(state "$D_T")"
ok "the gateway's API down: neither day-old unpaid order ($C_T, $D_T) expired"
curl -s -d on=0 "$SANDBOX/sandbox/confirm_fail" >/dev/null
wq_serve_again TERM
for ((i = 0; i < 100; i++)); do [ "$(state "$D_T")" = expired ] && break; sleep 0.1; done
[ "$(state "$C_T")" = paid ] && [ "$(state "$D_T")" = expired ] ||
	fail "after the sweep: C $(state "$C_T"), D $(state "$D_T")"
[ "$(pays "$C_T")" = 1 ] || fail "C: $(pays "$C_T") confirmed payments"
grep -q "found at the gateway: $C_T" "$T/serve2.log" || fail "no log line for $C_T"
ok "API back: the sweep found $C_T's payment (paid, not expired); $D_T, never paid, expired"

# ---- a re-dispatch's postage ----
postage_while_down() { # NAME: a returned envelope whose resend's postage is paid while serve is down
	web_returned_order "$1"
	local t=${1}_T s=${1}_S
	web_track "${!t}" "${!s}" >/dev/null
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/choice.html" -D "$T/headers" \
		--data-urlencode lang=fr --data-urlencode "tracking=${!t}" \
		--data-urlencode "secret=${!s}" --data-urlencode "csrf=$(web_token "$T/track.html")" \
		--data-urlencode choice=resend --data-urlencode "address=12 avenue Hassan II" \
		--data-urlencode "postal_code=20000" --data-urlencode "city=Casablanca" "$WQ_URL/returned"
	local pay
	pay=$(web_location)
	[ -n "$pay" ] || fail "$1: no checkout for the resend"
	kill -TERM "$WQ_SERVE_PID"
	wait "$WQ_SERVE_PID" 2>/dev/null || true
	web_pay "$pay" 4000000000000002 >/dev/null || true
	wq_serve_again none
}
postage_while_down R
[ "$(state "$R_T")" = returned ] || fail "R is $(state "$R_T") before its return"
st=$(curl -s -b "$WEB_JAR" -o "$T/ret.html" -w '%{http_code}' \
	"$WQ_URL/paid?order=$R_T-P1&txn=SBXMADEUP0003&status=paid&lang=fr")
[ "$st" = 200 ] && [ "$(state "$R_T")" != returned ] ||
	fail "postage return: $st, R is $(state "$R_T"): $(web_id "$T/ret.html" result)"
[ "$(web_sql "select count(*) from postage_payments")" = 1 ] || fail "postage payments: $(web_sql "select count(*) from postage_payments")"
ok "postage paid during a restart: the return found it; $R_T is $(state "$R_T") again"
postage_while_down S # and never comes back: 16 days later the sweep would destroy it
web_sql "update requests set stage_at = stage_at - 16 * 86400, updated_at = updated_at - 16 * 86400
	where tracking = '$S_T'"
wq_serve_again TERM
for ((i = 0; i < 100; i++)); do [ "$(state "$S_T")" != returned ] && break; sleep 0.1; done
[ "$(state "$S_T")" = ready ] || fail "S after the sweep: $(state "$S_T")"
[ "$(web_sql "select count(*) from postage_payments")" = 2 ] || fail "postage payments: $(web_sql "select count(*) from postage_payments")"
ok "a postage paid during a restart, its citizen gone: the sweep found it; $S_T is ready, not destroyed"

# ---- the order form a citizen loaded before a restart is taken after it ----
web_get / >/dev/null
wq_serve_again TERM
st=$(web_post_order /order/confirm copies=1)
[ "$st" = 303 ] || fail "a form loaded before a restart: $st $(web_id "$T/page.html" result)"
ok "an order form loaded before a restart is taken after it (its CSRF key is the server key's)"

wq check --db "$WQ_DB" >"$T/check" 2>&1 || { cat "$T/check"; fail "watiqa check"; }
ok "watiqa check passes"
