#!/usr/bin/env bash
# Issue 12, hole 7: strangers do not write into the hash-chained audit log, and a made-up
# txn never reaches the gateway.  200 forged payment callbacks are refused (403) and
# counted per source and minute in a row or two of anon_failures, the audit log does
# not grow and its chain verifies; /paid?txn= with a txn nobody announced answers at
# once and the sandbox's confirmation log shows no call for it; a real payment still
# goes through the confirmation (so the log does see calls).  A stranger's text (a
# forged callback's fields, a malformed code on /verify) reaches neither an answer nor
# `watiqa audit strangers` with a control character, a Cf character or a cut one.
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
    # the first carries a terminal escape and a bidi override, for audit strangers below
    txn = "\x1b]0;PWNED\x07\u202eX" if i == 0 else "SBXFORGED%03d" % i
    body = urllib.parse.urlencode({"txn": txn, "order": sys.argv[2],
        "amount": "2000", "status": "\x1b[2J" if i == 0 else "paid", "ts": "1",
        "sig": "%064x" % i})
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

# ---- a stranger's text on /verify never reaches a page, a JSON answer or the
# operator's terminal as it was typed: no control character (a terminal escape), no
# Cf character (a bidi override), no UTF-8 cut in the middle of a character ----
python3 - "$WQ_URL" >"$T/verify_codes" <<'PY' || fail "a /verify answer with raw bytes: $(cat "$T/verify_codes")"
import http.client, json, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
typed = "\x1b]0;PWNED\x07\u202eABC" + "\u0644" * 6  # escape, bidi override, Arabic cut at 20 bytes
bad = []
for path, ctype, body in (
        ("/api/v1/verify", "application/json", json.dumps({"code": typed})),
        ("/verify", "application/x-www-form-urlencoded", urllib.parse.urlencode({"code": typed}))):
    c.request("POST", path, body.encode(), {"Content-Type": ctype})
    r = c.getresponse(); raw = r.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        bad.append("%s: not UTF-8 (%s)" % (path, e)); continue
    if r.status != 422: bad.append("%s answered %d, not 422" % (path, r.status))
    for ch, name in (("\x1b", "ESC"), ("\x07", "BEL"), ("\u202e", "RLO"), ("\\u001b", "escaped ESC")):
        if ch in text: bad.append("%s: the answer holds %s" % (path, name))
print("; ".join(bad) or "ok")
sys.exit(1 if bad else 0)
PY
# the first forged callback's fields, a stranger's text, are its row's sample
wq audit strangers --db "$WQ_DB" >"$T/strangers"
python3 - "$T/strangers" <<'PY' || fail "watiqa audit strangers prints a stranger's raw bytes"
import sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # raises on a cut character
if "PWNED" not in text: sys.exit("the forged callback's sample is not shown")
bad = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) < 0xa0 or c == "\u202e"]
sys.exit(1 if bad else 0)
PY
ok "/verify and /api/v1/verify with an escape, a bidi override and a cut character: 422, UTF-8 answers without them; audit strangers prints no forged callback's escape"
