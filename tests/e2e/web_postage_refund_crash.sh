#!/usr/bin/env bash
# A postage refund survives kill -9 in flight (issue 13 item 1: neither lost nor doubled).
# Q's postage is paid a second time with the card whose first refund call of each key
# times out at the sandbox (the refund is made, the answer comes too late): while that
# call is in flight (refund_sent) the server is killed with -9 and started again; the
# restarted sender calls again with the same idempotency key, the gateway answers with
# the refund it made, and the postage is refunded once: one refund at the gateway, called
# twice, the citizen told once.  `watiqa check` passes.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
cp "$WATIQA_BIN" "$T/watiqa" # restarted below: a rebuild must not pull it from under us
WATIQA_BIN=$T/watiqa

web_returned_order Q
curl -s -o "$T/api.json" -H 'Content-Type: application/json' -d "{\"tracking\":\"$Q_T\",
	\"secret\":\"$Q_S\",\"choice\":\"resend\",\"address\":\"3 rue de Fès\",
	\"postal_code\":\"10020\",\"city\":\"Rabat\"}" "$WQ_URL/api/v1/returned"
qpay=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["payment_url"])' "$T/api.json") ||
	fail "resend Q: $(cat "$T/api.json")"
web_pay "$qpay" 4000000000000002 >/dev/null
web_pay "$qpay" 4000000000000044 >/dev/null
row="SELECT f.state FROM postage_refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$Q_T'"
for ((i = 0; i < 600; i++)); do [ "$(web_sql "$row")" = refund_sent ] && break; sleep 0.05; done
[ "$(web_sql "$row")" = refund_sent ] || fail "the postage refund is '$(web_sql "$row")', not in flight"
kill -9 "$WQ_SERVE_PID"
wait "$WQ_SERVE_PID" 2>/dev/null || true
ok "Q's second postage owed back; its refund call in flight (refund_sent): serve killed with -9"

wq_serve_again none
for ((i = 0; i < 300; i++)); do [ "$(web_sql "$row")" = refunded ] && break; sleep 0.1; done
[ "$(web_sql "$row")" = refunded ] || fail "after the restart the postage refund is '$(web_sql "$row")'"
[ "$(web_sql "SELECT attempts >= 2 FROM postage_refunds")" = 1 ] || fail "refunded without a second call"
txn=$(web_sql "SELECT p.gateway_ref FROM postage_payments p JOIN postage_refunds f
	ON f.postage_payment_id = p.id JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$Q_T'")
key=$(web_sql "SELECT f.idem_key || '	' || f.gateway_ref FROM postage_refunds f JOIN requests r
	ON r.id = f.request_id WHERE r.tracking = '$Q_T'")
curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t' >"$T/made"
[ "$(wc -l <"$T/made")" = 1 ] && [ "$(cut -f1,4 "$T/made")" = "$key" ] &&
	[ "$(cut -f3 "$T/made")" = 1500 ] && [ "$(cut -f5 "$T/made")" -ge 2 ] ||
	fail "the gateway's refunds of $txn: $(cat "$T/made"), want one of 1500 called again, $key"
[ "$(web_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
	WHERE r.tracking = '$Q_T' AND o.body LIKE '%frais d''envoi payés en trop%remboursés%'")" = 2 ] ||
	fail "Q is not told exactly once on each channel"
wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
ok "restarted: called again with the same key, refunded once (the gateway's $(cut -f4 "$T/made"), $(cut -f5 "$T/made") calls), Q told once; $(grep '^postage' "$T/check.out")"
