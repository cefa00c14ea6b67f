#!/usr/bin/env bash
# treasury_takes_back.sh - fees to recover are netted (issue 13's leftovers, db/281), over
# SSH (OpenSSH in tmux).  treasury1 distributes every fee earned up to yesterday; then an
# envelope RBT-HASSAN was paid for comes back from the post and is destroyed: its fee is
# refunded, X to recover from RBT-HASSAN.  A fee paid before today and still in the office
# is produced, signed and sealed (F); treasury1 builds again: RBT-HASSAN's new batch
# distributes F and takes X back: the Batches view shows F - X, its list of requests says
# "less X MAD taken back (1 refunded after a batch) = F - X MAD",
# the transfer is of F - X (its title and audit), and finance1's Money view says the
# commune received F - X.  finance1's Tab shows nothing left to recover and X taken back;
# `watiqa check` balances, printing what was taken back.
source "$(dirname "$0")/lib.sh"
wq_start_server

# the period up to yesterday and its end, today's midnight, from one reading of the clock
# (two readings may fall either side of Morocco's midnight)
TODAY=$(TZ=Africa/Casablanca date +%F)
YESTERDAY=$(TZ=Africa/Casablanca date -d "$TODAY -1 day" +%F)
END=$(TZ=Africa/Casablanca date -d "$TODAY 00:00" +%s)
mad() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
build() { # the period up to yesterday, every commune; waits for STATUS
	wq_treasury_period t1 "2020-01-01..$YESTERDAY"
	wq_screen_wait t1 "due [0-9]* requests" 5
	wq_type t1 b
	wq_screen_wait t1 "requests, .* MAD?" 5
	wq_type t1 y
	wq_screen_wait t1 "$1" 10
}
wq_login t1 treasury1 watiqa-demo
wq_screen_wait t1 "Treasury" 15
build "built [0-9]* batches"
ok "treasury1 distributed every fee earned up to $YESTERDAY"

# an envelope whose fee RBT-HASSAN received comes back and is destroyed: refunded
B_T=$(wq_sql "SELECT r.tracking FROM requests r JOIN settlement_items x ON x.request_id = r.id
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	WHERE c.code = 'RBT-HASSAN' AND r.state = 'with_post' ORDER BY r.fee_centimes, r.id LIMIT 1")
[ -n "$B_T" ] || fail "no distributed envelope with the post in RBT-HASSAN"
wq request move "$B_T" returned --as post1 --note "adresse inconnue" --db "$WQ_DB" >/dev/null ||
	fail "$B_T returned"
wq request move "$B_T" destroyed --db "$WQ_DB" >/dev/null || fail "$B_T destroyed"
X=$(wq_sql "SELECT sum(f.amount_centimes) FROM refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$B_T' AND f.reason = 'returned'")
[ -n "$X" ] && [ "$X" -gt 0 ] || fail "$B_T's fee is not refunded"
wq_type t1 1
wq_screen_wait t1 "To take back: $(mad "$X") MAD from 1 communes" 10
ok "$B_T came back and was destroyed: $(mad "$X") MAD refunded, to recover from RBT-HASSAN (the Due view says so)"

# a fee paid before today, still in the office, now earned
C_T=$(wq_sql "SELECT r.tracking FROM requests r JOIN payments p ON p.request_id = r.id
	JOIN offices o ON o.id = r.office_id WHERE o.code = 'RBT-HAS-1' AND r.state = 'paid'
	AND p.status = 'confirmed' AND p.confirmed_at < $END AND r.fee_centimes >= $X
	AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.payment_id = p.id)
	ORDER BY r.fee_centimes DESC, r.id LIMIT 1")
[ -n "$C_T" ] || fail "no fee of RBT-HAS-1 paid before today still in the office"
for step in claimed:agent1 in_production:agent1 awaiting_signature:agent1 signed:officer1 \
	ready:agent1; do
	wq request move "$C_T" "${step%%:*}" --as "${step##*:}" --db "$WQ_DB" >/dev/null ||
		fail "$C_T ${step%%:*}"
done
F=$(wq_sql "SELECT fee_centimes FROM requests WHERE tracking = '$C_T'")
NET=$((F - X))
ok "$C_T produced, signed and sealed: $(mad "$F") MAD earned by RBT-HASSAN"

build "built 1 batches: 1 requests, $(mad "$F") MAD"
NEW=$(wq_sql "SELECT max(s.id) FROM settlements s JOIN communes c ON c.id = s.commune_id
	WHERE c.code = 'RBT-HASSAN'")
[ "$(wq_sql "SELECT k.amount_centimes || ' ' || (SELECT r.tracking FROM refunds f JOIN requests r
	ON r.id = f.request_id WHERE f.id = k.refund_id) FROM settlement_recoveries k
	WHERE k.settlement_id = $NEW")" = "$X $B_T" ] || fail "batch $NEW did not take back $B_T's fee"
wq_type t1 2
wq_screen_wait t1 "\[Batches" 5
wq_type t1 /
wq_screen_wait t1 "Search:" 5
wq_type t1 -l "RBT-HASSAN"
wq_type t1 Enter
sleep 0.5
# the search starts from the cursor: on to the next match until the new batch
for ((i = 0; i < 3; i++)); do
	wq_screen t1 | grep -q "^> *$NEW RBT-HASSAN" && break
	wq_type t1 n
	sleep 0.5
done
wq_screen_wait t1 "^> *$NEW RBT-HASSAN .* 1 *$(mad "$NET") built" 5
wq_type t1 h
wq_screen_wait t1 "Batch #$NEW (Esc closes)" 5
wq_screen_wait t1 "less $(mad "$X") MAD taken back (1 refunded after a batch) = $(mad "$NET") MAD" 5
wq_type t1 Escape
! wq_screen t1 | grep -q "To take back" || fail "the Due view still says there is something to take back"
ok "batch #$NEW: $(mad "$F") distributed less $(mad "$X") taken back = $(mad "$NET") MAD, on the screen"
wq_type t1 t
wq_screen_wait t1 "Batch #$NEW: $(mad "$NET") MAD to RBT-HASSAN" 5
wq_type t1 -l "VIR-2026-000777"
wq_type t1 Enter
wq_screen_wait t1 "batch #$NEW marked transferred (ref VIR-2026-000777)" 5
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'settlement.transfer'
	AND target = 'settlement $NEW' AND detail LIKE 'RBT-HASSAN $(mad "$NET") MAD to %'")" = 1 ] ||
	fail "the transfer's audit does not say $(mad "$NET")"
ok "the transfer is of $(mad "$NET") MAD (title and audit)"

wq_login f finance1 watiqa-demo
wq_screen_wait f "Revenue" 20
wq_type f 4
wq_screen_wait f "transferred  *1  *$(mad "$NET")$" 5
ok "finance1's Money view: RBT-HASSAN received $(mad "$NET") MAD (the batch less what it took back)"
wq_type f f
wq_screen_wait f "Refunds to act on" 10
wq_type f Tab
wq_screen_wait f "Fees refunded after their distribution: 0.00 MAD to recover" 5
wq_screen_wait f "Taken back" 5
wq_screen_wait f "RBT-HASSAN  *0  *0.00  *0.00 .* $(mad "$X") " 5
ok "finance1's Tab: nothing left to recover from RBT-HASSAN, $(mad "$X") MAD taken back"

wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
grep -q "^money: .*(taken back in later batches $(mad "$X"))$" "$T/check.out" ||
	fail "check's money line: $(grep '^money' "$T/check.out")"
ok "watiqa check: $(grep '^money' "$T/check.out")"
