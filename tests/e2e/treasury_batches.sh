#!/usr/bin/env bash
# treasury_batches.sh - the treasury over SSH (OpenSSH in tmux, password login) builds
# the distribution batches of a finished period: the batches hold exactly the earned
# fees (documents produced, not rejected) paid before the period's end, to the
# centime, one batch per commune, no request in two batches; building again builds
# nothing; a batch is marked transferred with its bank reference (audited), and the
# commune's finance officer sees the transfer.
source "$(dirname "$0")/lib.sh"

wq_start_server

# the period: every day up to yesterday (local), so that it is over; its end, today's
# midnight, from the same reading of the clock (two readings may fall either side of it)
TODAY=$(TZ=Africa/Casablanca date +%F)
YESTERDAY=$(TZ=Africa/Casablanca date -d "$TODAY -1 day" +%F)
END=$(TZ=Africa/Casablanca date -d "$TODAY 00:00" +%s)
due() { # what a build must take: "count total"
	wq_sql "SELECT count(*) || ' ' || coalesce(sum(p.amount_centimes), 0) FROM payments p
		JOIN requests r ON r.id = p.request_id WHERE p.status = 'confirmed'
		AND p.confirmed_at < $END
		AND r.state IN ('ready', 'with_post', 'delivered')
		AND r.id NOT IN (SELECT request_id FROM settlement_items)"
}
read -r WANT_N WANT_C <<<"$(due)"
[ "$WANT_N" -gt 10 ] || fail "the demo has only $WANT_N earned fees"
WANT_MAD=$(printf '%d.%02d' $((WANT_C / 100)) $((WANT_C % 100)))
REJECTED=$(wq_sql "SELECT count(*) FROM requests r JOIN payments p ON p.request_id = r.id
	WHERE r.state = 'rejected' AND p.status = 'confirmed'")

wq_login t1 treasury1 watiqa-demo
wq_screen_wait t1 "Treasury" 15
wq_screen_wait t1 "\[Due" 5
ok "treasury1 logs in over SSH and sees what is due"

wq_treasury_period t1 "2020-01-01..$YESTERDAY"
wq_screen_wait t1 "Up to 2020-01-01..$YESTERDAY: due $WANT_N requests $WANT_MAD MAD" 5
ok "due up to $YESTERDAY: $WANT_N requests, $WANT_MAD MAD (as the database says)"

# a period that is not over cannot be built
wq_type t1 ]
wq_screen_wait t1 "Up to 2020-02:" 5
wq_treasury_period t1 "2020..2099"
wq_type t1 b
wq_screen_wait t1 "Build: all communes" 5
wq_type t1 y
wq_screen_wait t1 "period: it has not ended yet" 5
[ "$(wq_sql "SELECT count(*) FROM settlements")" = 0 ] || fail "a batch was built for an open period"
ok "a period still running is refused"

wq_treasury_period t1 "2020-01-01..$YESTERDAY"
wq_screen_wait t1 "due $WANT_N requests" 5
wq_type t1 b
wq_screen_wait t1 "$WANT_N requests, $WANT_MAD MAD?" 5
wq_type t1 y
wq_screen_wait t1 "built [0-9]* batches: $WANT_N requests, $WANT_MAD MAD" 10
ok "built: $WANT_N requests, $WANT_MAD MAD"

# the database agrees, to the centime, and no request is counted twice
[ "$(wq_sql "SELECT coalesce(sum(total_centimes), 0) FROM settlements")" = "$WANT_C" ] ||
	fail "settlements total $(wq_sql "SELECT sum(total_centimes) FROM settlements") != $WANT_C"
[ "$(wq_sql "SELECT count(*) FROM settlement_items")" = "$WANT_N" ] || fail "item count"
[ "$(wq_sql "SELECT count(DISTINCT request_id) FROM settlement_items")" = "$WANT_N" ] ||
	fail "a request is in two batches"
[ "$(wq_sql "SELECT count(*) FROM settlements s WHERE total_centimes <> (SELECT sum(amount_centimes)
	FROM settlement_items i WHERE i.settlement_id = s.id)")" = 0 ] || fail "a batch differs from its items"
[ "$(wq_sql "SELECT count(*) FROM settlement_items i JOIN requests r ON r.id = i.request_id
	WHERE r.state = 'rejected'")" = 0 ] || fail "a rejected request was distributed"
[ "$(wq_sql "SELECT count(*) FROM settlements GROUP BY commune_id HAVING count(*) > 1")" = "" ] ||
	fail "two batches for one commune"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'settlement.build'
	AND actor_label = 'treasury1'")" = "$(wq_sql "SELECT count(*) FROM settlements")" ] ||
	fail "not every batch is audited"
wq check >/dev/null 2>&1 || fail "watiqa check finds problems after the build"
ok "totals reconcile to the centime; one batch per commune and request; $REJECTED rejected excluded; audited"

# again: nothing left to build
wq_screen_wait t1 "due 0 requests" 5
wq_type t1 b
wq_screen_wait t1 "nothing due for all communes" 5
ok "building again builds nothing"

# mark RBT-HASSAN's batch transferred
HASSAN_ID=$(wq_sql "SELECT s.id FROM settlements s JOIN communes c ON c.id = s.commune_id
	WHERE c.code = 'RBT-HASSAN'")
wq_type t1 2
wq_screen_wait t1 "\[Batches" 5
wq_type t1 /
wq_screen_wait t1 "Search:" 5
wq_type t1 -l "RBT-HASSAN"
wq_type t1 Enter
wq_screen_wait t1 "^> *$HASSAN_ID RBT-HASSAN" 5
wq_type t1 t
wq_screen_wait t1 "Reference" 5
wq_type t1 -l "x"
wq_type t1 Enter
wq_screen_wait t1 "Reference: 4 to 39 letters" 5
wq_type t1 C-u
wq_type t1 -l "VIR-2026-000123"
wq_type t1 Enter
wq_screen_wait t1 "batch #$HASSAN_ID marked transferred (ref VIR-2026-000123)" 5
[ "$(wq_sql "SELECT state || ' ' || transfer_ref FROM settlements WHERE id = $HASSAN_ID")" = \
	"transferred VIR-2026-000123" ] || fail "batch $HASSAN_ID not transferred in the database"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'settlement.transfer'
	AND target = 'settlement $HASSAN_ID' AND actor_label = 'treasury1'")" = 1 ] || fail "transfer not audited"
wq_type t1 t
wq_screen_wait t1 "already transferred" 5
ok "batch #$HASSAN_ID marked transferred with its reference (audited); a second time is refused"

# the batch's requests
wq_type t1 h
wq_screen_wait t1 "Batch #$HASSAN_ID (Esc closes)" 5
wq_type t1 Escape

# the commune's finance officer sees it as transferred
HASSAN_MAD=$(wq_sql "SELECT printf('%d.%02d', total_centimes / 100, total_centimes % 100)
	FROM settlements WHERE id = $HASSAN_ID")
wq_login f1 finance1 watiqa-demo
wq_screen_wait f1 "Revenue" 15
wq_type f1 4
wq_screen_wait f1 "transferred  *1  *$HASSAN_MAD" 5
ok "finance1 sees the transfer of $HASSAN_MAD MAD"
