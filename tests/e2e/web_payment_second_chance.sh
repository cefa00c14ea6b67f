#!/usr/bin/env bash
# The gateway's confirmation API is down when its callback comes: nothing is paid on
# the callback's word (the request stays pending_payment), the txn it announced is kept;
# once the API is back, the citizen's return page asks the gateway again and the
# request is paid, once; asked again, nothing more changes.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
state() { web_sql "select state from requests where tracking='$1'"; }
pays() { web_sql "select count(*) from payments p join requests r on r.id=p.request_id
	where r.tracking='$1' and p.status='$2'"; }

curl -s -d on=1 "$SANDBOX/sandbox/confirm_fail" >/dev/null
web_get / >/dev/null
[ "$(web_post_order /order/confirm copies=1)" = 303 ] || fail "order"
pay=$(web_location)
t=$(web_sql "select tracking from requests order by id desc limit 1")
web_pay "$pay" 4000000000000002 >/dev/null
[ "$(state "$t")" = pending_payment ] || fail "paid without the gateway's confirmation: $(state "$t")"
txn=$(web_sql "select gateway_ref from payments p join requests r on r.id=p.request_id
	where r.tracking='$t' and p.status='initiated'")
[ -n "$txn" ] || fail "the callback's txn was not kept"
grep -q "^$txn	" <(curl -s "$SANDBOX/sandbox/confirms") &&
	fail "a confirmation answered while the API was down"
ok "confirmation API down: $t still pending_payment, its txn $txn kept, nothing confirmed"

curl -s -d on=0 "$SANDBOX/sandbox/confirm_fail" >/dev/null
st=$(curl -s -b "$WEB_JAR" -o "$T/paid2.html" -w '%{http_code}' \
	"$WQ_URL/paid?order=$t&txn=$txn&status=paid&lang=fr")
[ "$st" = 200 ] || fail "/paid answered $st"
[ "$(state "$t")" = paid ] || fail "the return page's second chance did not pay: $(state "$t")"
grep -q "id=\"tracking\">$t<" "$T/paid2.html" || fail "the return page does not show $t"
grep -q 'id="result">Paiement reçu' "$T/paid2.html" ||
	fail "the return page does not say paid: $(grep -o 'id="result">[^<]*' "$T/paid2.html")"
grep -q "^$txn	paid" <(curl -s "$SANDBOX/sandbox/confirms") || fail "$txn not confirmed at the sandbox"
[ "$(pays "$t" confirmed)" = 1 ] || fail "$(pays "$t" confirmed) confirmed payments"
ok "API back: the return page asked again, $t paid with $txn, one confirmed payment"

st=$(curl -s -b "$WEB_JAR" -o "$T/paid3.html" -w '%{http_code}' \
	"$WQ_URL/paid?order=$t&txn=$txn&status=paid&lang=fr")
[ "$st" = 200 ] && [ "$(state "$t")" = paid ] && [ "$(pays "$t" confirmed)" = 1 ] ||
	fail "the return page again: $st, $(state "$t"), $(pays "$t" confirmed) confirmed"
wq check --db "$WQ_DB" >"$T/check" 2>&1 || { cat "$T/check"; fail "watiqa check"; }
ok "the return page again: still paid once; watiqa check passes"
