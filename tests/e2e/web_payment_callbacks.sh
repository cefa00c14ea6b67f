#!/usr/bin/env bash
# The gateway's callbacks: a forged one is refused and counted; a replayed one changes
# nothing; a well-signed one the gateway does not confirm changes nothing; a declined
# card leaves the request waiting (and payable again); a card that never answers leaves
# it pending; the SMS gateway failing never blocks a payment and is retried.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
CB=$WQ_URL/api/v1/payments/callback
SECRET=${WATIQA_GATEWAY_SECRET:-sandbox-secret-change-me}

order() { # -> pay URL in $T/pay, tracking in $T/tracking
	web_get / >/dev/null
	[ "$(web_post_order /order/confirm copies=1)" = 303 ] || fail "order"
	web_location >"$T/pay"
	web_sql "select tracking from requests order by id desc limit 1" >"$T/tracking"
}
state() { web_sql "select state from requests where tracking='$1'"; }
events() { web_sql "select count(*) from request_events e join requests r on r.id=e.request_id where r.tracking='$1'"; }
sign() { # sign callback|txn|order|amount|status|ts
	python3 -c 'import hmac, hashlib, sys; print(hmac.new(sys.argv[1].encode(), "|".join(sys.argv[2:]).encode(), hashlib.sha256).hexdigest())' "$SECRET" "$@"
}

# the SMS gateway is down from the start: payments must not care
curl -s -d on=1 "$SANDBOX/sms/fail" >/dev/null

# 1. a declined card: still pending_payment, the page offers to pay again
order; t=$(cat "$T/tracking")
web_pay "$(cat "$T/pay")" 4000000000000010 >/dev/null
[ "$(state "$t")" = pending_payment ] || fail "declined card changed the state"
grep -q 'Paiement refusé' "$T/paid.html" || fail "no declined page"
grep -q 'action="/pay"' "$T/paid.html" || fail "declined page offers no retry"
ok "declined card: request stays pending_payment, retry offered"
# paying again with a good card from the retry button
secret=$(web_id "$T/paid.html" secret)
cp "$T/paid.html" "$T/page.html"
st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -D "$T/headers" -o /dev/null -w '%{http_code}' \
	--data-urlencode lang=fr --data-urlencode "tracking=$t" --data-urlencode "secret=$secret" \
	--data-urlencode "csrf=$(web_token "$T/paid.html")" "$WQ_URL/pay")
[ "$st" = 303 ] || fail "pay again answered $st"
web_pay "$(web_location)" 4000000000000002 >/dev/null
[ "$(state "$t")" = paid ] || fail "second attempt did not pay"
ok "second attempt with a good card: paid"

# 2. replay every callback the gateway sent for it: nothing changes
n_ev=$(events "$t"); n_pay=$(web_sql "select count(*) from payments")
curl -s "$SANDBOX/sandbox/callbacks" | grep "order=$t" | while IFS=$'\t' read -r url body; do
	st=$(curl -s -o "$T/replay" -w '%{http_code}' -d "$body" "$url")
	case $body in *status=paid*) [ "$st" = 200 ] && grep -q already "$T/replay" ||
		fail "replayed paid callback answered $st $(cat "$T/replay")" ;; esac
done
[ "$(events "$t")" = "$n_ev" ] || fail "replay added events"
[ "$(web_sql "select count(*) from payments")" = "$n_pay" ] || fail "replay added a payment"
[ "$(state "$t")" = paid ] || fail "replay changed the state"
ok "replayed callbacks: 200 'already', no new event, no new payment"

# 3. forged: wrong signature -> 403, counted for its source (not audited: strangers do
#    not write into the audit log), nothing changes
order; t2=$(cat "$T/tracking")
st=$(curl -s -o /dev/null -w '%{http_code}' \
	-d "txn=SBXFAKE&order=$t2&amount=2000&status=paid&ts=1&sig=$(printf '0%.0s' $(seq 64))" "$CB")
[ "$st" = 403 ] || fail "forged callback answered $st"
[ "$(state "$t2")" = pending_payment ] || fail "forged callback changed the state"
[ "$(web_sql "select count(*) from anon_failures where action='payment.forged' and source='127.0.0.1' and sample like '%order=$t2 %'")" = 1 ] ||
	fail "forged callback not counted"
[ "$(web_sql "select count(*) from audit_log where action='payment.forged'")" = 0 ] ||
	fail "forged callback audited"
ok "forged callback: 403, counted as payment.forged for its source, not audited"

# 4. signed with the right key but for a txn the gateway never saw: the
#    server-to-server confirmation says no, nothing changes
ts=$(date +%s)
sig=$(sign callback SBXNOSUCH "$t2" 2000 paid "$ts")
st=$(curl -s -o "$T/r" -w '%{http_code}' -d "txn=SBXNOSUCH&order=$t2&amount=2000&status=paid&ts=$ts&sig=$sig" "$CB")
[ "$st" = 409 ] || fail "unconfirmed callback answered $st $(cat "$T/r")"
[ "$(state "$t2")" = pending_payment ] || fail "unconfirmed callback paid the request"
ok "well-signed callback the gateway does not confirm: 409, not paid"

# 5. a real txn of another order, replayed against this one: confirmation mismatch
txn1=$(web_sql "select gateway_ref from payments p join requests r on r.id=p.request_id where r.tracking='$t'")
sig=$(sign callback "$txn1" "$t2" 2000 paid "$ts")
st=$(curl -s -o "$T/r" -w '%{http_code}' -d "txn=$txn1&order=$t2&amount=2000&status=paid&ts=$ts&sig=$sig" "$CB")
[ "$st" = 409 ] || fail "cross-order callback answered $st $(cat "$T/r")"
[ "$(state "$t2")" = pending_payment ] || fail "cross-order callback paid the request"
ok "another order's payment replayed here: 409 mismatch, not paid"

# 6. a card that never answers: no callback, the request stays pending
order; t3=$(cat "$T/tracking")
web_pay "$(cat "$T/pay")" 4000000000000028 >/dev/null
grep -q 'id="pending"' "$T/paid.html" || fail "timeout card: gateway page"
sleep 1
[ "$(state "$t3")" = pending_payment ] || fail "timeout card changed the state"
ok "card that never answers: request stays pending_payment"

# 7. the SMS gateway was failing all along: the payment went through, messages wait
# (until the sender has tried one: seconds on an idle machine, more under load)
retried() { web_sql -separator ' ' "select count(*), max(attempts), max(last_error != '') from outbox where state='pending'"; }
for ((i = 0; i < 300; i++)); do
	read -r pend att err < <(retried)
	[ "$pend" -ge 1 ] && [ "${att:-0}" -ge 1 ] && [ "$err" = 1 ] && break
	sleep 0.1
done
read -r pend att err < <(retried)
[ "$pend" -ge 1 ] && [ "$att" -ge 1 ] && [ "$err" = 1 ] ||
	fail "no retried message in the outbox ($pend $att $err)"
ok "SMS gateway down: $pend messages waiting, retried $att times, payments unaffected"
curl -s -d on=0 "$SANDBOX/sms/fail" >/dev/null
for i in $(seq 150); do
	[ "$(web_sql "select count(*) from outbox where state='pending'")" = 0 ] && break
	sleep 0.2
done
[ "$(web_sql "select count(*) from outbox where state='pending'")" = 0 ] || fail "outbox never drained"
grep -q "$t" <(curl -s "$SANDBOX/sms/log") || fail "message for $t never sent"
ok "SMS gateway back: the outbox drains with retries"
