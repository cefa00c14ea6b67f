#!/usr/bin/env bash
# isolation_http.sh - the citizen side reaches a request only by its tracking number AND
# its own secret code.  Through the JSON API (/api/v1/...) and the pages: a wrong code,
# another request's tracking number with this request's code, a complaint on someone
# else's request, paying again for someone else's order, and a gateway callback naming
# another order are each refused, say nothing of the other request (the answer for a
# tracking number that exists is the answer for one that does not), and change nothing:
# a checksum of requests, history, payments, complaints, envelopes, settlements, users,
# the notifications queue and the complaint audit rows is the same before and after.
# The data-layer side of isolation (every staff role, every action) is
# tests/test_isolation.c.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
CB=$WQ_URL/api/v1/payments/callback
GW_SECRET=${WATIQA_GATEWAY_SECRET:-sandbox-secret-change-me}

# Two demo requests whose citizens kept their codes (the demo's codes are not known:
# give these two the codes their citizens "kept").
SA=K7M2-QP4X-9TRB
SB=R4T8-ZX3M-1HKD
hash() { web_secret_hash "$1"; }
pick() {
	wq_sql "SELECT tracking FROM requests WHERE state IN ('claimed', 'in_production')
		ORDER BY id LIMIT 1 OFFSET $1"
}
TA=$(pick 0)
TB=$(pick 1)
[ -n "$TA" ] && [ -n "$TB" ] && [ "$TA" != "$TB" ] || fail "demo lacks requests in progress"
wq_sql "UPDATE requests SET secret_hash = '$(hash $SA)' WHERE tracking = '$TA'"
wq_sql "UPDATE requests SET secret_hash = '$(hash $SB)' WHERE tracking = '$TB'"
NAME_B=$(wq_sql "SELECT last_name_lat FROM requests WHERE tracking = '$TB'")
# a tracking number that is nobody's (same shape)
TNONE=W0000000000
while [ -n "$(wq_sql "SELECT 1 FROM requests WHERE tracking = '$TNONE'")" ]; do
	TNONE=W$((RANDOM % 9 + 1))$(printf '%09d' $RANDOM)
done

# Everything a refusal must leave alone.  The notification sender works in the
# background (attempts, sent): only the number of queued rows counts there.
snapshot() {
	wq_sql "SELECT id, state, version, coalesce(agent_id, ''), office_id, secret_hash
			FROM requests ORDER BY id;
		SELECT count(*), max(id) FROM request_events;
		SELECT id, request_id, status, gateway_ref, amount_centimes FROM payments ORDER BY id;
		SELECT id, request_id, state, body, answer FROM complaints ORDER BY id;
		SELECT request_id, status, coalesce(code, '') FROM mail_items ORDER BY request_id;
		SELECT id, state FROM settlements ORDER BY id;
		SELECT id, username, role, disabled, password_hash FROM users ORDER BY id;
		SELECT count(*) FROM outbox;
		SELECT count(*) FROM audit_log WHERE action LIKE 'complaint.%'
			OR action LIKE 'request.%' OR action LIKE 'payment.paid%'" | sha256sum
}
BEFORE=''
begin() { BEFORE=$(snapshot); }
unchanged() { [ "$(snapshot)" = "$BEFORE" ] || fail "$1: the database changed"; }

api() { # PATH JSON -> body in $T/api.json, prints the status
	curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$2" "$WQ_URL$1"
}
says_nothing_of_b() { # FILE WHAT
	! grep -q "$NAME_B" "$1" || fail "$2: the answer shows the other citizen's name"
	! grep -q '"stages"\|"state":"claimed"\|"state":"in_production"' "$1" ||
		fail "$2: the answer shows a request's stages"
}

# the control: each citizen reaches their own request
[ "$(api /api/v1/track "{\"tracking\":\"$TA\",\"secret\":\"$SA\",\"lang\":\"fr\"}")" = 200 ] ||
	fail "A's own code refused: $(cat "$T/api.json")"
[ "$(api /api/v1/track "{\"tracking\":\"$TB\",\"secret\":\"$SB\",\"lang\":\"fr\"}")" = 200 ] ||
	fail "B's own code refused: $(cat "$T/api.json")"
ok "control: each citizen tracks their own request (200)"

# 1. API track: a wrong code, B's number with A's code, and a number that is nobody's
#    get the same 404 with the same words: no way to tell which numbers exist
begin
for q in "$TA WRONG1" "$TB $SA" "$TA $SB" "$TNONE $SA"; do
	set -- $q
	st=$(api /api/v1/track "{\"tracking\":\"$1\",\"secret\":\"$2\",\"lang\":\"fr\"}")
	[ "$st" = 404 ] || fail "track $1 with code $2 answered $st: $(cat "$T/api.json")"
	says_nothing_of_b "$T/api.json" "track $1 with code $2"
	sed "s/$1//g" "$T/api.json" >"$T/api.$1.$2"
done
cmp -s "$T/api.$TB.$SA" "$T/api.$TNONE.$SA" ||
	fail "another's number and nobody's number answer differently: $(cat "$T/api.$TB.$SA") / $(cat "$T/api.$TNONE.$SA")"
unchanged "API track with a wrong code"
ok "API track: wrong code, another's number with this code: 404, same answer as a number that does not exist"

# 2. API complaint on someone else's request (B's number, A's code; A's number, B's code)
begin
for q in "$TB $SA" "$TA $SB" "$TB WRONG1"; do
	set -- $q
	st=$(api /api/v1/complaints \
		"{\"tracking\":\"$1\",\"secret\":\"$2\",\"lang\":\"fr\",\"body\":\"Rien recu depuis dix jours.\"}")
	[ "$st" = 404 ] || fail "complaint on $1 with code $2 answered $st: $(cat "$T/api.json")"
	! grep -q complaint_id "$T/api.json" || fail "complaint on $1 with code $2 was filed"
done
unchanged "API complaint on someone else's request"
ok "API complaint on someone else's request: 404, no complaint, nothing audited"

# 3. the pages: POST /track and POST /complaint (with a valid CSRF token) the same way
begin
web_get /track >/dev/null
st=$(web_track "$TB" "$SA")
[ "$st" = 404 ] || fail "page /track with another's number answered $st"
says_nothing_of_b "$T/track.html" "page /track"
cp "$T/track.html" "$T/track.other.html"
[ "$(web_track "$TNONE" "$SA")" = 404 ] || fail "page /track with nobody's number"
diff <(sed "s/$TB//g" "$T/track.other.html" | grep -v csrf) \
	<(sed "s/$TNONE//g" "$T/track.html" | grep -v csrf) >/dev/null ||
	fail "page /track: another's number and nobody's number answer differently"
# a valid CSRF token: from A's own tracking page, where the complaint form is
[ "$(web_track "$TA" "$SA")" = 200 ] && [ -n "$(web_token "$T/track.html")" ] ||
	fail "A's tracking page has no form token"
st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/c.html" -w '%{http_code}' \
	--data-urlencode lang=fr --data-urlencode "tracking=$TB" --data-urlencode "secret=$SA" \
	--data-urlencode "csrf=$(web_token "$T/track.html")" \
	--data-urlencode "body=Je n'ai toujours rien recu, merci de verifier." "$WQ_URL/complaint")
[ "$st" = 404 ] || fail "page /complaint on another's request answered $st"
says_nothing_of_b "$T/c.html" "page /complaint"
unchanged "pages /track and /complaint with another's number"
ok "pages: /track and /complaint with another's number and this code: 404, nothing shown, nothing filed"

# 4. paying for someone else's order: two fresh orders C and D (pending payment);
#    /pay with D's number and C's code does not reach the gateway
order() { # -> "tracking secret payment_url"
	api /api/v1/requests '{"lang":"fr","doc_type":"extract","copies":1,"commune":1,
		"record_number":"1234","record_year":1990,"last_name_ar":"العلوي",
		"first_name_ar":"محمد","last_name_lat":"Alaoui","first_name_lat":"Mohamed",
		"birth_date":"1990-05-17","cin":"BE123456","address":"12 rue des Fleurs, Agdal",
		"postal_code":"10080","city":"Rabat","phone":"0612345678",
		"email":"m.alaoui@example.ma"}' >"$T/st"
	[ "$(cat "$T/st")" = 201 ] || fail "API order answered $(cat "$T/st"): $(cat "$T/api.json")"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["tracking"], d["secret"], d["payment_url"])' "$T/api.json"
}
read -r TC SC PAYC <<<"$(order)"
read -r TD SD PAYD <<<"$(order)"
[ -n "$TD" ] && [ "$TC" != "$TD" ] || fail "two orders"
begin
# a valid CSRF token: from C's own tracking page, where the pay button is
[ "$(web_track "$TC" "$SC")" = 200 ] && [ -n "$(web_token "$T/track.html")" ] ||
	fail "C's tracking page has no form token"
st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -D "$T/headers" -o "$T/p.html" -w '%{http_code}' \
	--data-urlencode lang=fr --data-urlencode "tracking=$TD" --data-urlencode "secret=$SC" \
	--data-urlencode "csrf=$(web_token "$T/track.html")" "$WQ_URL/pay")
[ "$st" = 404 ] || fail "/pay for another's order answered $st ($(web_location))"
[ -z "$(web_location)" ] || fail "/pay for another's order redirected to $(web_location)"
unchanged "/pay for another's order"
ok "/pay with another's number and this code: 404, no redirect to the gateway"

# 5. the gateway's callbacks: C is paid for real; its transaction replayed for D (signed
#    with the right key) is refused by the server-to-server confirmation, a forged one
#    by the signature; D stays unpaid, C is paid once
web_pay "$PAYC" 4000000000000002 >/dev/null
[ "$(wq_sql "SELECT state FROM requests WHERE tracking = '$TC'")" = paid ] || fail "C not paid"
# the sender thread queues C's "paid" notifications on its own time: let it, first
c_notices() { wq_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
	WHERE r.tracking = '$TC'"; }
for ((i = 0; i < 300; i++)); do [ "$(c_notices)" -ge 2 ] && break; sleep 0.1; done
[ "$(c_notices)" -ge 2 ] || fail "C's payment notified nobody"
sign() { python3 -c 'import hmac, hashlib, sys; print(hmac.new(sys.argv[1].encode(), "|".join(sys.argv[2:]).encode(), hashlib.sha256).hexdigest())' "$GW_SECRET" "$@"; }
TXN=$(wq_sql "SELECT gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$TC'")
[ -n "$TXN" ] || fail "no payment for C"
begin
ts=$(date +%s)
st=$(curl -s -o "$T/r" -w '%{http_code}' \
	-d "txn=$TXN&order=$TD&amount=2000&status=paid&ts=$ts&sig=$(sign callback "$TXN" "$TD" 2000 paid "$ts")" "$CB")
[ "$st" = 409 ] || fail "C's transaction replayed for D answered $st: $(cat "$T/r")"
st=$(curl -s -o "$T/r" -w '%{http_code}' \
	-d "txn=$TXN&order=$TD&amount=2000&status=paid&ts=$ts&sig=$(sign callback "$TXN" "$TC" 2000 paid "$ts")" "$CB")
[ "$st" = 403 ] || fail "a callback signed for C but naming D answered $st: $(cat "$T/r")"
unchanged "callbacks naming another order"
[ "$(wq_sql "SELECT state FROM requests WHERE tracking = '$TD'")" = pending_payment ] ||
	fail "D was paid by C's transaction"
[ "$(wq_sql "SELECT count(*) FROM payments WHERE gateway_ref = '$TXN'")" = 1 ] ||
	fail "C's transaction counted twice"
ok "callback: C's transaction for D (409), signature for C naming D (403): D unpaid, nothing changed"

# 6. what the citizen sees of C with C's code says nothing of D, and D's own code works
[ "$(api /api/v1/track "{\"tracking\":\"$TD\",\"secret\":\"$SD\",\"lang\":\"fr\"}")" = 200 ] ||
	fail "D's own code refused"
grep -q '"state":"pending_payment"' "$T/api.json" || fail "D's page: $(cat "$T/api.json")"
[ "$(api /api/v1/track "{\"tracking\":\"$TD\",\"secret\":\"$SC\",\"lang\":\"fr\"}")" = 404 ] ||
	fail "D with C's code"
ok "control: D with its own code is tracked (pending_payment); with C's code, 404"

# 7. no other door: the API has no staff route reaching a request by id
begin
for path in /api/v1/requests/1 /api/v1/requests/$TB /api/v1/complaints/1 /api/v1/users \
	/api/v1/track/$TB; do
	st=$(curl -s -o /dev/null -w '%{http_code}' "$WQ_URL$path")
	case $st in 404 | 405) ;; *) fail "GET $path answered $st" ;; esac
done
unchanged "unknown API paths"
ok "no API path reaches a request, a complaint or an account without the code (404/405)"
