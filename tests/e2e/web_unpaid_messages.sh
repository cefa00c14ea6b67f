#!/usr/bin/env bash
# Issue 12, hole 1: an order nobody pays sends nothing.  Over real HTTP with the sandbox
# as SMS / e-mail gateway: an unpaid order with a victim's phone and e-mail is expired
# and, past unpaid_retention_days, purged by the server's own sweep, and the sandbox's
# log never shows a message to either; a fourth open unpaid order for one phone is
# refused (409, next to the phone field, nothing written; the API too); the messages
# of a paid request stop at sms_per_phone_per_day / email_per_address_per_day (set to 2
# here), the rest dropped with the reason.
source "$(dirname "$0")/lib.sh"
export WATIQA_SMS_PER_PHONE_PER_DAY=2 WATIQA_EMAIL_PER_ADDRESS_PER_DAY=2
wq_start_server
source "$(dirname "$0")/web_lib.sh"
VICTIM=0655000001 VMAIL=victim@example.org

# ---- the attack: orders in the victim's name, never paid ----
web_get / >/dev/null
[ "$(web_post_order /order/confirm "phone=$VICTIM" "email=$VMAIL")" = 303 ] || fail "order"
t=$(web_sql "select tracking from requests order by id desc limit 1")
for i in 2 3; do
	web_get / >/dev/null
	[ "$(web_post_order /order/confirm "phone=$VICTIM" "email=$VMAIL")" = 303 ] || fail "order $i"
done
rows=$(web_sql "select count(*) from requests")
web_get / >/dev/null
st=$(web_post_order /order/confirm "phone=$VICTIM" "email=$VMAIL")
[ "$st" = 409 ] || fail "a fourth unpaid order for one phone answered $st"
got=$(web_id "$T/page.html" e-phone)
case $got in *"non payées"*) ;; *) fail "no error next to the phone field: '$got'" ;; esac
[ "$(web_sql "select count(*) from requests")" = "$rows" ] || fail "the refused order wrote a row"
body=$(python3 -c 'import json; print(json.dumps({"doc_type":"extract","copies":"1","commune":"1","record_number":"1234","record_year":"1990","last_name_ar":"العلوي","first_name_ar":"محمد","last_name_lat":"Alaoui","first_name_lat":"Mohamed","birth_date":"1990-05-17","address":"12 rue des Fleurs","postal_code":"10080","city":"Rabat","phone":"0655000001"}))')
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$WQ_URL/api/v1/requests")
[ "$st" = 409 ] && grep -q '"too_many_unpaid","errors":{"phone"' "$T/api.json" ||
	fail "API fourth unpaid order: $st $(cat "$T/api.json")"
ok "3 unpaid orders open for $VICTIM; the 4th refused next to its phone field (page and API), nothing written"

# ---- a paid request, for a control and the daily cap ----
PAYER=0655000002 PMAIL=payer@example.org
web_get / >/dev/null
[ "$(web_post_order /order/confirm "phone=$PAYER" "email=$PMAIL")" = 303 ] || fail "paid order"
pay=$(web_location)
tp=$(web_sql "select tracking from requests order by id desc limit 1")
web_pay "$pay" 4000000000000002 >/dev/null
[ "$(web_sql "select state from requests where tracking='$tp'")" = paid ] || fail "not paid"
wq request move "$tp" claimed --as agent1 --db "$WQ_DB" >/dev/null
wq request move "$tp" in_production --as agent1 --db "$WQ_DB" >/dev/null
wq request move "$tp" awaiting_signature --as agent1 --db "$WQ_DB" >/dev/null
wq request move "$tp" signed --as officer1 --db "$WQ_DB" >/dev/null
wq request move "$tp" ready --as agent1 --db "$WQ_DB" >/dev/null

# ---- the unpaid ones grow 40 days old: the server's sweep expires and purges them ----
# (it runs once a minute, and at start: serve is restarted rather than waited for, the
# sandbox and its log kept)
web_sql "update requests set created_at = strftime('%s','now') - 40*86400 where phone = '$VICTIM'"
wq_serve_again TERM
for i in $(seq 150); do
	[ "$(web_sql "select count(*) from requests where tracking='$t' and state='expired' and purged_at is not null")" = 1 ] && break
	sleep 0.2
done
[ "$(web_sql "select state || '|' || phone || email || last_name_lat || address || '|' || (purged_at is not null) from requests where tracking='$t'")" = "expired||1" ] ||
	fail "the unpaid order was not expired and purged: $(web_sql "select state, phone, purged_at from requests where tracking='$t'")"
[ "$(web_sql "select count(*) from request_events e join requests r on r.id=e.request_id where r.tracking='$t' and e.to_state='expired'")" = 1 ] ||
	fail "no expired event"
ok "unpaid orders expired by the sweep and, past retention, purged (number and history kept)"

# ---- what the gateway saw: nothing for the victim; the payer's cap held ----
sleep 2 # the sender's last round
curl -s "$SANDBOX/sms/log" >"$T/sms"
grep -q "$VICTIM\|$VMAIL" "$T/sms" && fail "the victim was messaged: $(grep "$VICTIM\|$VMAIL" "$T/sms")"
[ "$(web_sql "select count(*) from outbox where recipient in ('$VICTIM','$VMAIL')")" = 0 ] ||
	fail "messages queued for the victim"
ok "the sandbox's SMS / e-mail log shows nothing for $VICTIM or $VMAIL"
for i in $(seq 100); do
	[ "$(web_sql "select count(*) from outbox where recipient='$PAYER' and state <> 'pending'")" -ge 4 ] && break
	sleep 0.2
done
curl -s "$SANDBOX/sms/log" >"$T/sms"
sms=$(grep -c "^sms	$PAYER	" "$T/sms" || true)
[ "$sms" = 2 ] || fail "$PAYER got $sms SMS with a cap of 2: $(grep "$PAYER" "$T/sms")"
mails=$(grep -c "^email	$PMAIL	" "$T/sms" || true)
[ "$mails" = 2 ] || fail "$PMAIL got $mails e-mails with a cap of 2"
dropped=$(web_sql "select count(*) from outbox where recipient='$PAYER' and state='failed' and last_error like 'daily cap%'")
[ "$dropped" -ge 2 ] || fail "the messages past the cap were not dropped with the reason ($dropped)"
ok "paid request, 4 events: 2 SMS and 2 e-mails sent, $dropped SMS past the daily cap dropped ('daily cap: ...')"
