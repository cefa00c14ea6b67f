#!/usr/bin/env bash
# One event, one message (issue 13's leftovers, db/280): a citizen cancels a paid order of
# two documents (extract x2 40.00 + full copy x1 30.00 = 70.00) through the API, over real
# HTTP on loopback.  The sandbox gateway receives one refund per document (3000 and 4000,
# each with its own idempotency key), and the citizen gets ONE text of the refund, "70.00
# DH ont été remboursés", not one per document.  An order paid with a card whose refunds
# time out (4000000000000044): each document's first call times out and is sent again
# with its key; the citizen is still texted once, after both.  `watiqa check` balances.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

api() { # PATH JSON -> body in $T/api.json, prints the status
	curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$2" "$WQ_URL$1"
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	"$T/api.json" "$1"; }
# order NAME CARD PHONE: two documents through the API, paid with CARD, then cancelled
order_and_cancel() {
	local name=$1 card=$2 phone=$3 t s
	[ "$(api /api/v1/requests "{\"lang\":\"fr\",\"commune\":1,\"record_number\":\"4321\",
		\"record_year\":\"1985\",\"last_name_ar\":\"بناني\",\"first_name_ar\":\"سعيد\",
		\"last_name_lat\":\"Bennani\",\"first_name_lat\":\"Said\",\"birth_date\":\"1985-01-20\",
		\"address\":\"4 avenue Hassan II\",\"postal_code\":\"10000\",\"city\":\"Rabat\",
		\"phone\":\"$phone\",\"lines\":[{\"doc_type\":\"extract\",\"copies\":2},
		{\"doc_type\":\"full_copy\",\"copies\":1}]}")" = 201 ] || fail "order: $(cat "$T/api.json")"
	t=$(field tracking)
	s=$(field secret)
	web_pay "$(field payment_url)" "$card" >/dev/null
	[ "$(web_sql "SELECT state || ' ' || fee_centimes FROM requests WHERE tracking = '$t'")" = \
		"paid 7000" ] || fail "$name ($t) not paid 70.00 with $card"
	[ "$(api /api/v1/cancel "{\"tracking\":\"$t\",\"secret\":\"$s\"}")" = 200 ] ||
		fail "cancel of $t: $(cat "$T/api.json")"
	printf -v "${name}_T" %s "$t"
}
wait_refunded() { # TRACKING SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(web_sql "SELECT count(*) FROM refunds f JOIN requests r ON r.id = f.request_id
			WHERE r.tracking = '$1' AND f.state = 'refunded'")" = 2 ] && return 0
		sleep 0.1
	done
	fail "$1: its two refunds never refunded ($(web_sql "SELECT group_concat(f.state)
		FROM refunds f JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$1'"))"
}
# the texts of the refund (not the cancellation's "seront remboursés"), once sent
refund_texts() {
	curl -s "$SANDBOX/sms/log" | awk -F'\t' -v t="$1" 'index($4, t) && index($4, "ont été remboursés")'
}
gateway_calls() { # TRACKING -> "amount key" lines of the sandbox's refunds of its payment
	local txn
	txn=$(web_sql "SELECT p.gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
		WHERE r.tracking = '$1'")
	curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t { print $3 }' | sort -n |
		tr '\n' ' '
}

order_and_cancel A 4000000000000002 0661000201
wait_refunded "$A_T" 60
[ "$(gateway_calls "$A_T")" = "3000 4000 " ] || fail "gateway refunds of $A_T: '$(gateway_calls "$A_T")'"
[ "$(web_sql "SELECT count(DISTINCT f.idem_key) || ' ' || p.status FROM refunds f JOIN payments p
	ON p.id = f.payment_id JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$A_T'")" = \
	"2 refunded" ] || fail "$A_T: two keys, payment refunded"
ok "$A_T cancelled: the gateway refunded 30.00 and 40.00, each document with its own key"
for ((i = 0; i < 300; i++)); do [ -n "$(refund_texts "$A_T")" ] && break; sleep 0.1; done
sleep 1 # a second text, were there one, would be sent by now (the sender's round)
texts=$(refund_texts "$A_T")
[ "$(printf '%s\n' "$texts" | grep -c .)" = 1 ] || fail "$A_T: refund texts: '$texts'"
printf '%s\n' "$texts" | grep -q ": 70.00 DH ont été remboursés sur votre carte\.$" ||
	fail "$A_T's text does not say 70.00 in all: '$texts'"
[ "$(web_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id WHERE
	r.tracking = '$A_T' AND o.channel = 'sms' AND o.body LIKE '%ont été remboursés%'")" = 1 ] ||
	fail "$A_T: more than one refund text queued"
ok "$A_T's citizen texted once: 70.00 DH refunded (not 30.00, then 40.00)"

# the card whose first refund call of each key times out: sent again, texted once after
order_and_cancel B 4000000000000044 0661000202
wait_refunded "$B_T" 60
[ "$(gateway_calls "$B_T")" = "3000 4000 " ] || fail "gateway refunds of $B_T: '$(gateway_calls "$B_T")'"
[ "$(web_sql "SELECT min(f.attempts) >= 2 FROM refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$B_T'")" = 1 ] || fail "$B_T's refunds were not sent again"
for ((i = 0; i < 300; i++)); do [ -n "$(refund_texts "$B_T")" ] && break; sleep 0.1; done
sleep 1
texts=$(refund_texts "$B_T")
[ "$(printf '%s\n' "$texts" | grep -c .)" = 1 ] &&
	printf '%s\n' "$texts" | grep -q ": 70.00 DH ont été remboursés sur votre carte\.$" ||
	fail "$B_T: refund texts: '$texts'"
ok "$B_T: both first calls timed out, sent again with their keys, refunded once each, texted once"

wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
ok "watiqa check: $(grep '^money' "$T/check.out")"
