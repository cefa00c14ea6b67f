#!/usr/bin/env bash
# A line refund survives kill -9 in flight (issue 13 item 1 with item 4's lines: neither
# lost nor doubled).  L orders an extract x2 (40.00) and a full copy (30.00) in one order,
# paid with the card whose first refund call of each key times out at the sandbox (the
# refund is made, the answer comes too late), and cancels it: two refunds are owed, one
# per document, each with its own idempotency key.  While a call is in flight
# (refund_sent) the server is killed with -9 and started again; the restarted sender
# calls again with the same keys, the gateway answers with the refunds it made: 30.00 and
# 40.00 refunded once each, the payment refunded, the citizen told once (70.00).
# `watiqa check` passes.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
cp "$WATIQA_BIN" "$T/watiqa" # restarted below: a rebuild must not pull it from under us
WATIQA_BIN=$T/watiqa

api() { # PATH JSON -> body in $T/api.json, prints the status
	curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$2" "$WQ_URL$1"
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	"$T/api.json" "$1"; }
[ "$(api /api/v1/requests '{"lang":"fr","commune":1,"record_number":"4321",
	"record_year":"1985","last_name_ar":"بناني","first_name_ar":"سعيد",
	"last_name_lat":"Bennani","first_name_lat":"Said","birth_date":"1985-01-20",
	"address":"4 avenue Hassan II","postal_code":"10000","city":"Rabat",
	"phone":"0661000303","lines":[{"doc_type":"extract","copies":2},
	{"doc_type":"full_copy","copies":1}]}')" = 201 ] || fail "order: $(cat "$T/api.json")"
L_T=$(field tracking)
L_S=$(field secret)
web_pay "$(field payment_url)" 4000000000000044 >/dev/null
[ "$(web_sql "SELECT state || ' ' || fee_centimes FROM requests WHERE tracking = '$L_T'")" = \
	"paid 7000" ] || fail "$L_T not paid 70.00"
[ "$(api /api/v1/cancel "{\"tracking\":\"$L_T\",\"secret\":\"$L_S\"}")" = 200 ] ||
	fail "cancel: $(cat "$T/api.json")"
rows="SELECT group_concat(f.line_no || ':' || f.state, ' ') FROM (SELECT f.line_no, f.state
	FROM refunds f JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$L_T'
	ORDER BY f.line_no) f"
for ((i = 0; i < 600; i++)); do web_sql "$rows" | grep -q refund_sent && break; sleep 0.05; done
web_sql "$rows" | grep -q refund_sent || fail "no line refund in flight: '$(web_sql "$rows")'"
flight=$(web_sql "$rows")
kill -9 "$WQ_SERVE_PID"
wait "$WQ_SERVE_PID" 2>/dev/null || true
ok "$L_T cancelled: two line refunds owed; a call in flight ($flight): serve killed with -9"

wq_serve_again none
for ((i = 0; i < 600; i++)); do
	[ "$(web_sql "$rows")" = "1:refunded 2:refunded" ] && break
	sleep 0.1
done
[ "$(web_sql "$rows")" = "1:refunded 2:refunded" ] ||
	fail "after the restart the line refunds are '$(web_sql "$rows")'"
txn=$(web_sql "SELECT p.gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$L_T'")
[ "$(web_sql "SELECT status FROM payments WHERE gateway_ref = '$txn'")" = refunded ] ||
	fail "the payment is not refunded"
# the gateway: one refund per key (each line's), recorded under the refund it made
curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t' | sort >"$T/made"
web_sql "SELECT f.idem_key || '	' || f.amount_centimes || '	' || f.gateway_ref FROM refunds f
	JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$L_T' ORDER BY f.idem_key" >"$T/ours"
[ "$(cut -f1,3,4 "$T/made")" = "$(cat "$T/ours")" ] ||
	fail "the gateway's refunds of $txn: $(cat "$T/made"); ours: $(cat "$T/ours")"
[ "$(awk -F'\t' '$5 >= 2' "$T/made" | wc -l)" -ge 1 ] || fail "no key was called again"
for ((i = 0; i < 50; i++)); do
	[ "$(web_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
		WHERE r.tracking = '$L_T' AND o.body LIKE '%ont été remboursés%'")" -ge 1 ] && break
	sleep 0.1
done
[ "$(web_sql "SELECT group_concat(o.channel || ' ' || substr(o.body, instr(o.body, ': ') + 2), '|')
	FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.tracking = '$L_T'
	AND o.body LIKE '%ont été remboursés%'" | sed 's/^sms [^:]*: //')" = \
	"70.00 DH ont été remboursés sur votre carte." ] ||
	fail "L is not told once of 70.00: $(web_sql "SELECT group_concat(o.body, '|') FROM outbox o
		JOIN requests r ON r.id = o.request_id WHERE r.tracking = '$L_T'")"
wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
ok "restarted: called again with the same keys, 30.00 and 40.00 refunded once each ($(awk -F'\t' '{printf "%s %s calls; ", $1, $5}' "$T/made")), L told once of 70.00; $(grep '^money' "$T/check.out")"
