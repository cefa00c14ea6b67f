#!/usr/bin/env bash
# A citizen orders two extracts in French, pays through the sandbox gateway, gets the
# tracking number and secret code, sees the stages an agent declares on the tracking
# page, files a complaint, and is texted on payment; the JSON API says the same.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

[ "$(web_get /)" = 200 ] || fail "order form"
grep -q 'dir="ltr"' "$T/page.html" || fail "French page is not ltr"
size=$(wc -c <"$T/page.html"); [ "$size" -lt 20480 ] || fail "order form is $size bytes"
ok "order form in French ($size bytes)"
before=$(web_sql "select count(*) from requests")

st=$(web_post_order /order)
[ "$st" = 200 ] || { cat "$T/page.html"; fail "review answered $st"; }
[ "$(web_id "$T/page.html" fee)" = "40.00" ] || fail "fee for 2 extracts is not 40.00"
ok "review shows the fee before paying: 40.00 DH"
[ "$(web_sql "select count(*) from requests")" = "$before" ] || fail "review wrote a row"

st=$(web_post_order /order/confirm)
[ "$st" = 303 ] || fail "confirm answered $st"
pay=$(web_location)
case $pay in "$SANDBOX/pay?"*) ;; *) fail "not sent to the gateway: $pay" ;; esac
tracking=$(web_sql "select tracking from requests order by id desc limit 1")
[ "$(web_sql "select state from requests where tracking='$tracking'")" = pending_payment ] ||
	fail "request not pending_payment"
ok "request $tracking created in pending_payment, citizen sent to the gateway"

final=$(web_pay "$pay" 4000000000000002)
case $final in "$WQ_URL/paid?"*) ;; *) fail "gateway did not return to us: $final" ;; esac
[ "$(web_id "$T/paid.html" tracking)" = "$tracking" ] || fail "confirmation lacks tracking"
secret=$(web_id "$T/paid.html" secret)
# 60 bits, grouped for reading: K7M4-9QXT-2HPB
[[ $secret =~ ^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$ ]] ||
	{ cat "$T/paid.html"; fail "confirmation lacks the secret code (got '$secret')"; }
[ "$(web_sql "select state from requests where tracking='$tracking'")" = paid ] ||
	fail "request not paid after the gateway"
[ "$(web_sql "select count(*) from payments p join requests r on r.id=p.request_id
	where r.tracking='$tracking' and p.status='confirmed' and p.amount_centimes=4000")" = 1 ] ||
	fail "no confirmed payment row"
ok "paid: confirmation page shows $tracking and its secret code"

[ "$(web_track "$tracking" "$secret")" = 200 ] || fail "tracking page"
grep -q 'data-state="paid"' "$T/track.html" || fail "tracking lacks the paid stage"
wq request move "$tracking" claimed --as agent1 --db "$WQ_DB" >/dev/null
wq request move "$tracking" in_production --as agent1 --db "$WQ_DB" >/dev/null
web_track "$tracking" "$secret" >/dev/null
for s in pending_payment paid claimed in_production; do
	grep -q "<tr data-state=\"$s\"" "$T/track.html" || fail "tracking lacks stage $s"
done
grep -q 'id="state" data-state="in_production"' "$T/track.html" || fail "current state"
size=$(wc -c <"$T/track.html"); [ "$size" -lt 20480 ] || fail "tracking page is $size bytes"
ok "agent stages claimed, in_production visible on the tracking page ($size bytes)"

[ "$(web_track "$tracking" "ZZZZZZ")" = 404 ] || fail "wrong secret accepted"
grep -q 'id="e-secret"' "$T/track.html" || fail "wrong secret: no error next to the field"
ok "wrong secret code refused next to its field"

# a complaint of blanks only: 422 next to the field (form) or naming it (API), no row
blank=$'          \n\n   \t  \r\n          '
complaints=$(web_sql "select count(*) from complaints")
web_track "$tracking" "$secret" >/dev/null
st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/c.html" -w '%{http_code}' \
	--data-urlencode lang=fr --data-urlencode "tracking=$tracking" \
	--data-urlencode "secret=$secret" --data-urlencode "csrf=$(web_token "$T/track.html")" \
	--data-urlencode "body=$blank" "$WQ_URL/complaint")
[ "$st" = 422 ] || fail "blank complaint from the page answered $st"
[ "$(web_id "$T/c.html" e-body)" = "De 10 à 1000 caractères, pas seulement des espaces." ] ||
	fail "blank complaint: '$(web_id "$T/c.html" e-body)' next to the field"
st=$(curl -s -o "$T/c.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$(python3 -c \
	'import json,sys; print(json.dumps({"tracking":sys.argv[1],"secret":sys.argv[2],"body":sys.argv[3]}))' \
	"$tracking" "$secret" "$blank")" "$WQ_URL/api/v1/complaints")
[ "$st" = 422 ] && grep -q '"errors":{"body":"De 10 à 1000' "$T/c.json" ||
	fail "blank complaint through the API answered $st: $(cat "$T/c.json")"
[ "$(web_sql "select count(*) from complaints")" = "$complaints" ] || fail "a blank complaint was written"
ok "a complaint of spaces and newlines refused (page and API: 422, field body), nothing written"

web_track "$tracking" "$secret" >/dev/null
st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/c.html" -w '%{http_code}' \
	--data-urlencode lang=fr --data-urlencode "tracking=$tracking" \
	--data-urlencode "secret=$secret" --data-urlencode "csrf=$(web_token "$T/track.html")" \
	--data-urlencode "body=Je n'ai toujours rien reçu, merci de vérifier." "$WQ_URL/complaint")
[ "$st" = 200 ] && grep -q 'id="notice"' "$T/c.html" || fail "complaint answered $st"
[ "$(web_sql "select count(*) from complaints c join requests r on r.id=c.request_id
	where r.tracking='$tracking' and c.state='open'")" = 1 ] || fail "complaint row"
[ "$(web_sql "select count(*) from audit_log where action='complaint.open' and target='$tracking'")" = 1 ] ||
	fail "complaint not audited"
ok "complaint filed from the tracking page"

# the JSON API mirrors the page
curl -s -H 'Content-Type: application/json' \
	-d "{\"tracking\":\"$tracking\",\"secret\":\"$secret\",\"lang\":\"ar\"}" \
	"$WQ_URL/api/v1/track" >"$T/api.json"
python3 - "$T/api.json" <<'PY' || fail "API track: $(cat "$T/api.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "in_production", d
assert [s["state"] for s in d["stages"]] == ["pending_payment", "paid", "claimed", "in_production"], d
PY
ok "API /api/v1/track mirrors the stages"

# notifications: paid, claimed, in_production reach the SMS sandbox
for i in $(seq 100); do
	n=$(curl -s "$SANDBOX/sms/log" | grep -c "$tracking" || true)
	[ "$n" -ge 3 ] && break
	sleep 0.2
done
curl -s "$SANDBOX/sms/log" | grep "$tracking" | grep -q "^sms	0612345678	" || fail "no SMS on payment"
curl -s "$SANDBOX/sms/log" | grep "$tracking" | grep -q "^email	m.alaoui@example.ma" ||
	fail "no e-mail"
ok "SMS and e-mail sent for payment and each stage ($n messages)"

# Arabic
[ "$(web_get '/?lang=ar')" = 200 ] || fail "Arabic form"
grep -q '<html lang="ar" dir="rtl">' "$T/page.html" || fail "Arabic page not rtl"
grep -q 'طلب عقد الازدياد' "$T/page.html" || fail "Arabic title"
ok "Arabic form is right-to-left"
