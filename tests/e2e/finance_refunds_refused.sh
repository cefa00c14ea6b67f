#!/usr/bin/env bash
# finance_refunds_refused.sh - finance acts on the refunds the card refused, and sees the
# fees to recover from communes (issue 13, items 1 and 3), over OpenSSH in tmux.
# C paid with the card whose refunds the sandbox refuses and cancelled: refund_failed.
# Q's postage was paid a second time with that card: owed back, refused too.  A demo
# envelope whose fee the treasury (treasury1 over SSH) distributed comes back and is
# destroyed: its fee is refunded, to recover from RBT-HASSAN.  finance1 opens the refunds
# to act on (f): C's and Q's rows with the gateway's reason, the citizen to call; sends
# C's again (r): a new attempt with the same idempotency key, refused again, nothing paid,
# audited; once the card's bank lifts its refusal (the sandbox), again: refunded once; records Q's paid by transfer (t): a bad reference refused and nothing
# changed, then refunded with its reference, audited, Q texted; Tab: RBT-HASSAN's fees to recover,
# as the database sums them.  `watiqa check` passes.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

api() { curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "$2" "$WQ_URL$1"; }
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/api.json" "$1"; }
wait_sql() { # SQL WANT [SECONDS]
	local i
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		[ "$(web_sql "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "waited for '$2', got '$(web_sql "$1")' from: $1"
}

# 1. C: refused by the card
body=$(web_order_leila)
C_T=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tracking"])' "$body")
C_S=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$body")
pay=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["payment_url"])' "$body")
web_pay "$pay" 4000000000000036 >/dev/null
[ "$(api /api/v1/cancel "{\"tracking\":\"$C_T\",\"secret\":\"$C_S\"}")" = 200 ] ||
	fail "cancel C: $(cat "$T/api.json")"
wait_refund "$C_T" refund_failed
C_KEY=$(web_sql "SELECT f.idem_key FROM refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$C_T'")
C_TXN=$(web_sql "SELECT p.gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$C_T'")
ok "C ($C_T) cancelled, its refund refused by the card"

# 2. Q: a second postage payment with that card, owed back, refused
web_returned_order Q
[ "$(api /api/v1/returned "{\"tracking\":\"$Q_T\",\"secret\":\"$Q_S\",\"choice\":\"resend\",
	\"address\":\"3 rue de Fès\",\"postal_code\":\"10020\",\"city\":\"Rabat\"}")" = 200 ] ||
	fail "resend Q: $(cat "$T/api.json")"
qpay=$(json payment_url)
web_pay "$qpay" 4000000000000002 >/dev/null
web_pay "$qpay" 4000000000000036 >/dev/null
pq="SELECT f.state FROM postage_refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$Q_T'"
wait_sql "$pq" refund_failed
ok "Q ($Q_T): its second postage owed back, the refund refused by the card"

# 3. treasury1 distributes up to yesterday; then a distributed envelope comes back and is
#    destroyed: its fee is refunded, to recover from RBT-HASSAN
YESTERDAY=$(TZ=Africa/Casablanca date -d yesterday +%F)
wq_login t1 treasury1 watiqa-demo
wq_screen_wait t1 "Treasury" 15
wq_treasury_period t1 "2020-01-01..$YESTERDAY"
wq_screen_wait t1 "due [0-9]* requests" 5
wq_type t1 b
wq_screen_wait t1 "requests, .* MAD?" 5
wq_type t1 y
wq_screen_wait t1 "built [0-9]* batches" 10
wq_type t1 q
B_T=$(web_sql "SELECT r.tracking FROM requests r JOIN settlement_items x ON x.request_id = r.id
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	WHERE c.code = 'RBT-HASSAN' AND r.state = 'with_post' ORDER BY r.id LIMIT 1")
[ -n "$B_T" ] || fail "no distributed envelope with the post in RBT-HASSAN"
wq request move "$B_T" returned --as post1 --note "adresse inconnue" --db "$WQ_DB" >/dev/null ||
	fail "$B_T returned"
wq request move "$B_T" destroyed --db "$WQ_DB" >/dev/null || fail "$B_T destroyed"
RECOVER=$(web_sql "SELECT printf('%.2f', sum(f.amount_centimes) / 100.0) FROM refunds f
	JOIN settlement_items x ON x.request_id = f.request_id JOIN settlements s
	ON s.id = x.settlement_id JOIN communes c ON c.id = s.commune_id
	WHERE f.reason = 'returned' AND c.code = 'RBT-HASSAN'")
ok "treasury1 distributed up to $YESTERDAY; $B_T came back and was destroyed: $RECOVER MAD to recover"

# 4. finance1: the refunds to act on
wq_login f finance1 watiqa-demo
wq_screen_wait f "Revenue" 20
wq_type f 4
wq_screen_wait f "REFUSED by the card: f to act on them" 10
wq_type f f
wq_screen_wait f "Refunds to act on" 10
wq_screen_wait f "$C_T  *fee  *20.00  *1 card_refuses_refunds" 10
wq_screen_wait f "$Q_T  *postage  *15.00  *1 card_refuses_refunds" 5
wq_type f /
wq_screen_wait f "Search:" 5
wq_type f -l "$C_T"
wq_type f Enter
wq_screen_wait f "^>.*$C_T" 5
wq_screen_wait f "Leila Idrissi, 0662123456 (RBT-HAS-1): the gateway refused the refund (HTTP 402" 5
ok "finance1 sees C's fee and Q's postage refused, with the gateway's reason and whom to call"

# r: sent again with its key, refused again: a new attempt, nothing paid
wq_type f r
wq_screen_wait f "Send the refund of $C_T (20.00 MAD) to the card again?" 5
wq_type f y
wq_screen_wait f "refund of $C_T sent again with its key" 5
wait_sql "SELECT f.state || ' ' || f.attempts || ' ' || f.idem_key FROM refunds f
	JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$C_T'" "refund_failed 2 $C_KEY"
[ "$(curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$C_TXN" '$2 == t' | wc -l)" = 0 ] ||
	fail "the gateway paid C's refund"
[ "$(web_sql "SELECT count(*) FROM audit_log WHERE action = 'refund.retry' AND target = '$C_KEY'
	AND actor_label = 'finance1'")" = 1 ] || fail "the retry is not audited"
wq_screen_wait f "$C_T  *fee  *20.00  *2 card_refuses_refunds" 10
ok "r: C's refund sent again with the same key $C_KEY: refused again (2 attempts), nothing paid, audited"

# the card's bank lifts its refusal: r again, refunded once, with the same key
[ "$(curl -s -o /dev/null -w '%{http_code}' -d "txn=$C_TXN" "$SANDBOX/sandbox/unblock")" = 200 ] ||
	fail "the sandbox did not unblock $C_TXN"
wq_type f /
wq_screen_wait f "Search:" 5
wq_type f -l "$C_T"
wq_type f Enter
wq_screen_wait f "^>.*$C_T" 5
wq_type f r
wq_screen_wait f "Send the refund of $C_T (20.00 MAD) to the card again?" 5
wq_type f y
wait_sql "SELECT f.state || ' ' || f.attempts || ' ' || f.idem_key FROM refunds f
	JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$C_T'" "refunded 3 $C_KEY"
curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$C_TXN" '$2 == t' >"$T/c_refunds"
[ "$(wc -l <"$T/c_refunds")" = 1 ] && [ "$(cut -f1,3 "$T/c_refunds")" = "$C_KEY	2000" ] ||
	fail "C's refunds at the gateway: $(cat "$T/c_refunds")"
[ "$(web_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
	WHERE r.tracking = '$C_T' AND o.body LIKE '%ont été remboursés sur votre carte%'")" -ge 1 ] ||
	fail "C is not told of the refund"
[ "$(web_sql "SELECT count(*) FROM audit_log WHERE action = 'refund.retry' AND target = '$C_KEY'")" = 2 ] ||
	fail "the second retry is not audited"
ok "the bank lifts its refusal; r again: C refunded once by the gateway (20.00, key $C_KEY, 3 attempts), C told"

# t: Q's postage paid by transfer; a bad reference first
wq_type f /
wq_screen_wait f "Search:" 5
wq_type f -l "$Q_T"
wq_type f Enter
wq_screen_wait f "^>.*$Q_T  *postage" 5
before=$(web_sql "SELECT count(*) FROM audit_log")
wq_type f t
wq_screen_wait f "Refund of $Q_T (15.00 MAD) paid by transfer" 5
wq_type f -l "VIR 42"
wq_type f Enter
wq_screen_wait f "Reference: 4 to 39 letters" 5
[ "$(web_sql "$pq")" = refund_failed ] && [ "$(web_sql "SELECT count(*) FROM audit_log")" = "$before" ] ||
	fail "a bad reference changed something"
wq_type f C-u
wq_type f -l "VIR-2026-0042"
wq_type f Enter
wq_screen_wait f "refund of $Q_T recorded paid by transfer VIR-2026-0042" 5
[ "$(web_sql "SELECT f.state || ' ' || f.transfer_ref || ' ' || f.gateway_ref FROM postage_refunds f
	JOIN requests r ON r.id = f.request_id WHERE r.tracking = '$Q_T'")" = "refunded VIR-2026-0042 " ] ||
	fail "Q's postage refund: $(web_sql "SELECT * FROM postage_refunds")"
[ "$(web_sql "SELECT count(*) FROM audit_log WHERE action = 'refund.transfer'
	AND actor_label = 'finance1' AND detail LIKE '%VIR-2026-0042%'")" = 1 ] || fail "transfer not audited"
for ((i = 0; i < 300; i++)); do wq_screen f | grep -q "^[> ] .*$Q_T  *postage" || break; sleep 0.1; done
! wq_screen f | grep -q "^[> ] .*$Q_T  *postage" || fail "Q still listed"
# told in the transaction (the outbox; its phone may be past the day's SMS cap by now)
[ "$(web_sql "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
	WHERE r.tracking = '$Q_T' AND o.body LIKE '%vous ont été remboursés par virement bancaire (réf. VIR-2026-0042).'")" = 2 ] ||
	fail "Q is not told of the transfer on both channels"
ok "t: a bad reference refused, nothing changed; Q's postage refunded by transfer VIR-2026-0042, audited, Q texted, off the list"

# Tab: the fees to recover from communes
wq_type f Tab
wq_screen_wait f "Fees refunded after their distribution: $RECOVER MAD to recover" 5
wq_screen_wait f "RBT-HASSAN  *[0-9]*  *$RECOVER " 5
ok "Tab: RBT-HASSAN has $RECOVER MAD to recover, as the database sums it"
wq_type f q

# the same screen in French
wq user lang finance1 fr --db "$WQ_DB" >/dev/null || fail "finance1 in French"
# what waits depends on the day (the destroyed envelope's own refund is refused by the
# sandbox, which never saw the demo's payment): once no refund is in flight, the count
# and sum the screen must show are the database's
wait_sql "SELECT (SELECT count(*) FROM refunds WHERE state IN ('refund_owed','refund_sent'))
	+ (SELECT count(*) FROM postage_refunds WHERE state IN ('refund_owed','refund_sent'))" 0 60
WANT=$(web_sql "SELECT count(*) || ', ' || replace(printf('%.2f', sum(a) / 100.0), '.', ',')
	FROM (SELECT f.amount_centimes a FROM refunds f JOIN requests r ON r.id = f.request_id
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	WHERE f.state = 'refund_failed' AND c.code = 'RBT-HASSAN' UNION ALL
	SELECT p.amount_centimes FROM postage_refunds p JOIN requests r ON r.id = p.request_id
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	WHERE p.state = 'refund_failed' AND c.code = 'RBT-HASSAN')")
wq_login g finance1 watiqa-demo
wq_screen_wait g "Recettes" 20
wq_type g f
wq_screen_wait g "Remboursements à traiter" 10
wq_screen_wait g "Refusés par la carte : $WANT MAD à rembourser" 5
wq_screen_wait g "r:relancer t:virement" 5
wq_type g q
ok "in French: Remboursements à traiter, refused by the card: $WANT MAD"

wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
ok "watiqa check: $(grep '^money' "$T/check.out") ($(grep '^postage' "$T/check.out"))"
