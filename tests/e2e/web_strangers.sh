#!/usr/bin/env bash
# Issue 12, hole 7: strangers do not write into the hash-chained audit log, and a made-up
# txn never reaches the gateway.  200 forged payment callbacks are refused (403) and
# counted per source and minute in a row or two of anon_failures, the audit log does
# not grow and its chain verifies; /paid?txn= with a txn nobody announced answers at
# once and the sandbox's confirmation log shows no call for it; a real payment still
# goes through the confirmation (so the log does see calls).
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
CB=$WQ_URL/api/v1/payments/callback

web_get / >/dev/null
[ "$(web_post_order /order/confirm copies=1)" = 303 ] || fail "order"
pay=$(web_location)
t=$(web_sql "select tracking from requests order by id desc limit 1")
audit0=$(web_sql "select count(*) from audit_log")

# ---- 200 forged callbacks from one source ----
python3 - "$CB" "$t" >"$T/codes" <<'PY'
import http.client, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
codes = {}
for i in range(200):
    body = urllib.parse.urlencode({"txn": "SBXFORGED%03d" % i, "order": sys.argv[2],
        "amount": "2000", "status": "paid", "ts": "1", "sig": "%064x" % i})
    c.request("POST", u.path, body, {"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse(); r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
print(" ".join("%d:%d" % kv for kv in sorted(codes.items())))
PY
[ "$(cat "$T/codes")" = "403:200" ] || fail "forged callbacks answered $(cat "$T/codes")"
audit1=$(web_sql "select count(*) from audit_log")
[ "$audit1" = "$audit0" ] || fail "200 forged callbacks wrote $((audit1 - audit0)) audit rows"
rows=$(web_sql "select count(*) from anon_failures where action='payment.forged'")
sum=$(web_sql "select sum(count) from anon_failures where action='payment.forged' and source='127.0.0.1'")
[ "$rows" -le 2 ] || fail "200 forged callbacks wrote $rows counter rows"
[ "$sum" = 200 ] || fail "counted $sum forged callbacks, not 200"
[ "$(web_sql "select state from requests where tracking='$t'")" = pending_payment ] || fail "state moved"
wq check --db "$WQ_DB" >"$T/check" 2>&1 || { cat "$T/check"; fail "watiqa check after the flood"; }
ok "200 forged callbacks: 403 each, 0 audit rows, $rows counter row(s) saying 200, chains verify"
wq audit strangers --db "$WQ_DB" >"$T/strangers"
grep -Eq '^payment\.forged +127\.0\.0\.1 +200 ' "$T/strangers" ||
	{ cat "$T/strangers"; fail "watiqa audit strangers does not show the 200 forged callbacks"; }
ok "watiqa audit strangers: $(grep '^payment.forged' "$T/strangers" | tr -s ' ' | cut -c1-60)"

# ---- an unknown txn on the return page never reaches the gateway ----
start=$(date +%s%N)
st=$(curl -s -b "$WEB_JAR" -o "$T/paid.html" -w '%{http_code}' \
	"$WQ_URL/paid?order=$t&txn=SBXMADEUP0001&status=paid&lang=fr")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$st" = 200 ] || fail "/paid answered $st"
[ "$ms" -lt 1000 ] || fail "/paid with a made-up txn took $ms ms"
curl -s "$SANDBOX/sandbox/confirms" >"$T/confirms"
grep -q SBXMADEUP "$T/confirms" && fail "the made-up txn reached the gateway: $(cat "$T/confirms")"
[ "$(web_sql "select state from requests where tracking='$t'")" = pending_payment ] || fail "state moved"
ok "/paid?txn= with a made-up txn: $st in $ms ms, no confirmation call at the sandbox"

# ---- control: a real payment is confirmed with the gateway ----
final=$(web_pay "$pay" 4000000000000002)
[ "$(web_sql "select state from requests where tracking='$t'")" = paid ] || fail "real payment: not paid"
txn=$(web_sql "select gateway_ref from payments p join requests r on r.id=p.request_id where r.tracking='$t' and p.status='confirmed'")
grep -q "^$txn	paid" <(curl -s "$SANDBOX/sandbox/confirms") || fail "the real txn $txn was not confirmed at the sandbox"
ok "control: the real payment $txn was confirmed at the sandbox, the request is paid"
