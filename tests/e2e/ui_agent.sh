#!/usr/bin/env bash
# ui_agent.sh - an agent works his office's queue at an 80x24 terminal (`watiqa ui`
# in tmux): sees only his office's paid requests, claims one, declares its stages,
# rejects one with a reason, reassigns one to another office, reads a history, prints a
# sheet; a colleague claiming the same request at the same moment gets a clear message;
# a request that gets paid appears without a key press; a resize redraws; the citizens'
# names in the account's script, N shows the other.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_setup
OFFICE_ID=$(ui_sql "SELECT id FROM offices WHERE code = 'RBT-HAS-1'")
queued() { ui_sql "SELECT count(*) FROM requests WHERE state = 'paid' AND agent_id IS NULL
	AND office_id IN (SELECT id FROM offices WHERE id = $OFFICE_ID OR relay_office_id = $OFFICE_ID)"; }
[ "$(queued)" -gt 2 ] || fail "the demo has fewer than 3 queued requests at RBT-HAS-1"

ui_open a1 agent1
wq_screen_wait a1 "Agent queue" 10
wq_screen_wait a1 "\[Queue $(queued)\]" 10
ok "agent1 sees the queue of RBT-HAS-1 ($(queued) requests)"

# only his office: every tracking number shown belongs to RBT-HAS-1 (or an office it relays)
for t in $(wq_screen a1 | grep -o 'W[0-9]\{10\}'); do
	o=$(ui_sql "SELECT o.code FROM requests r JOIN offices o ON o.id = r.office_id
		WHERE r.tracking = '$t'")
	case $o in RBT-HAS-1 | RBT-HAS-3) ;; *) fail "$t of office $o shown to agent1" ;; esac
done
# oldest first: the first row is the oldest paid request
first=$(ui_cursor_tracking a1)
oldest=$(ui_sql "SELECT tracking FROM requests WHERE state = 'paid' AND agent_id IS NULL
	AND office_id IN (SELECT id FROM offices WHERE id = $OFFICE_ID OR relay_office_id = $OFFICE_ID)
	ORDER BY paid_at, id LIMIT 1")
[ "$first" = "$oldest" ] || fail "first row $first is not the oldest $oldest"
wq_screen a1 | grep -q "LATE" || echo "note: no overdue request in the demo queue"
ok "only RBT-HAS-1 requests, oldest first"

# the citizen's name in the account's script (English: Latin), the other one key away
ar_name=$(ui_sql "SELECT first_name_ar || ' ' || last_name_ar FROM requests WHERE tracking = '$first'")
lat_name=$(ui_sql "SELECT last_name_lat || ' ' || first_name_lat FROM requests WHERE tracking = '$first'")
row=$(wq_screen a1 | grep "^> $first")
case $row in *"$lat_name"*) ;; *) fail "the first row lacks the Latin name '$lat_name': '$row'" ;; esac
# (C.UTF-8 takes no range of Arabic letters: PCRE's script class)
has_arabic() { grep -qP '\p{Arabic}' <<<"$1"; }
! has_arabic "$row" || fail "an English row shows Arabic letters: '$row'"
wq_type a1 N
# tmux shows the Arabic name as the server sent it: reordered right to left
for ((i = 0; i < 50; i++)); do
	row=$(wq_screen a1 | grep "^> $first")
	has_arabic "$row" && break
	sleep 0.1
done
has_arabic "$row" || fail "N did not show the Arabic name: '$row'"
case $row in *"$lat_name"*) fail "N left the Latin name on the row: '$row'" ;; esac
letters() { grep -oP '\p{Arabic}' <<<"$1" | sort | tr -d '\n'; }
[ "$(letters "$row")" = "$(letters "$ar_name")" ] ||
	fail "the row's Arabic letters are not those of '$ar_name': '$row'"
wq_type a1 N
wq_screen_wait a1 "^> $first .*$lat_name" 5
ok "names in Latin letters on an English screen; N shows them in Arabic, N again in Latin"

# help lists the keys from the key map
wq_type a1 "?"
wq_screen_wait a1 "declare the next stage" 5
wq_screen_wait a1 "every screen" 5
wq_type a1 Escape
ui_wait_gone a1 "declare the next stage" 5
ok "help overlay opens and closes"

# claim the first request
wq_type a1 c
wq_screen_wait a1 "claimed $first" 5
[ "$(ui_state "$first")" = claimed ] || fail "$first is $(ui_state "$first"), not claimed"
ok "claim $first"

# declare its stages in the Mine view
wq_type a1 Tab
wq_screen_wait a1 "\[Mine" 5
ui_search a1 "$first"
wq_type a1 d
wq_screen_wait a1 "claimed -> in_production" 5
wq_type a1 y
wq_screen_wait a1 "$first is in production" 5
[ "$(ui_state "$first")" = in_production ] || fail "$first not in production"
wq_type a1 d
wq_screen_wait a1 "in_production -> awaiting_signature" 5
wq_type a1 y
wq_screen_wait a1 "$first is with the officer for signature" 5
[ "$(ui_state "$first")" = awaiting_signature ] || fail "$first not awaiting the signature"
# not sealed before the officer signs
wq_type a1 d
wq_screen_wait a1 "$first waits for the officer's signature" 5
[ "$(ui_state "$first")" = awaiting_signature ] || fail "$first moved unsigned"
wq request move "$first" signed --as officer1 >/dev/null || fail "officer1 could not sign $first"
wq_screen_wait a1 "^>.$first signed" 5
wq_type a1 d
wq_screen_wait a1 "signed -> ready" 5
wq_type a1 y
wq_screen_wait a1 "$first is ready" 5
[ "$(ui_state "$first")" = ready ] || fail "$first not ready"
ok "stages claimed -> in_production -> awaiting_signature -> (officer) signed -> ready"

# history of that request
wq_type a1 h
wq_screen_wait a1 "History" 5
# the oldest request may carry the demo's national raise and answer before its stages:
# the stages are then on the pager's next page
wq_type a1 NPage
wq_screen_wait a1 "claimed -> in_production" 5
wq_type a1 Escape
ui_wait_gone a1 "History (" 5
ok "history shows the stages"

# print its sheet
wq_type a1 p
wq_screen_wait a1 "sheet written to" 5
[ -s "$T/print/sheet-$first.txt" ] || fail "no sheet at $T/print/sheet-$first.txt"
grep -q "$first" "$T/print/sheet-$first.txt" || fail "sheet does not name $first"
ok "print writes $T/print/sheet-$first.txt"

# reject the next one with a reason from the list
wq_type a1 Tab
wq_screen_wait a1 "\[Queue" 5
second=$(ui_cursor_tracking a1)
wq_type a1 c
wq_screen_wait a1 "claimed $second" 5
wq_type a1 Tab
ui_search a1 "$second"
wq_type a1 x
wq_screen_wait a1 "record not found" 5
wq_type a1 Enter
wq_screen_wait a1 "Reject $second" 5
wq_type a1 y
wq_screen_wait a1 "$second rejected" 5
[ "$(ui_state "$second")" = rejected ] || fail "$second not rejected"
[ "$(ui_sql "SELECT reject_reason FROM requests WHERE tracking = '$second'")" = "record not found" ] ||
	fail "reject reason not recorded"
ok "reject $second with a reason"

# reject with a reason typed in the form: a too-short one is refused next to the field
wq_type a1 g
# the cursor is read once it is on the first row, not while g is still on its way (a
# loaded machine read the row it left and waited for the wrong request's question)
for ((i = 0; i < 300; i++)); do wq_screen a1 | sed -n 3p | grep -q '^>' && break; sleep 0.1; done
wq_screen a1 | sed -n 3p | grep -q '^>' || fail "g did not put the cursor on the first row"
fourth=$(ui_cursor_tracking a1)
[ "$(ui_state "$fourth")" = claimed ] || fail "first row of Mine ($fourth) is not claimed"
wq_type a1 x
wq_screen_wait a1 "other (type the reason)" 5
wq_type a1 -l "type the"
wq_screen_wait a1 "> other" 5
wq_type a1 Enter
wq_screen_wait a1 "Reason" 5
wq_type a1 -l "ab"
wq_type a1 Enter
wq_screen_wait a1 "3 to 190 characters" 5
wq_type a1 -l "c: birth date illegible"
wq_type a1 Enter
wq_screen_wait a1 "Reject $fourth" 5
wq_type a1 y
wq_screen_wait a1 "$fourth rejected" 5
[ "$(ui_sql "SELECT reject_reason FROM requests WHERE tracking = '$fourth'")" = "abc: birth date illegible" ] ||
	fail "typed reason not recorded"
ok "reject $fourth with a typed reason (form validation)"

# release a claimed request back to the queue
wq_type a1 g
fifth=$(ui_cursor_tracking a1)
wq_type a1 r
wq_screen_wait a1 "Put $fifth back" 5
wq_type a1 y
wq_screen_wait a1 "$fifth is back in the queue" 5
[ "$(ui_state "$fifth")" = paid ] || fail "$fifth not back in the queue"
ok "release $fifth"

# reassign a queued one to another office
wq_type a1 Tab
wq_screen_wait a1 "\[Queue" 5
third=$(ui_cursor_tracking a1)
wq_type a1 a
wq_screen_wait a1 "Reassign to which office" 5
wq_type a1 -l "AGD-1"
wq_screen_wait a1 "> RBT-AGD-1" 5
wq_type a1 Enter
wq_screen_wait a1 "Reassign: why" 5
wq_type a1 Enter
wq_screen_wait a1 "Send $third" 5
wq_type a1 y
wq_screen_wait a1 "$third sent to" 5
[ "$(ui_sql "SELECT o.code FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE tracking = '$third'")" = RBT-AGD-1 ] || fail "$third not at RBT-AGD-1"
ok "reassign $third to RBT-AGD-1"

# the agent of that office sees it; agent1 no longer does
ui_open a3 agent3
wq_screen_wait a3 "Agent queue" 10
ui_search a3 "$third"
ui_wait_gone a1 "^..$third" 5
ok "agent3 (RBT-AGD-1) sees $third"

# a batch: mark two queued requests with Space, claim both with c
wq_type a1 g
b1=$(ui_cursor_tracking a1)
wq_type a1 Space
wq_screen_wait a1 "^ \*$b1" 5
b2=$(ui_cursor_tracking a1)
wq_type a1 Space
wq_screen_wait a1 "2 marked" 5
wq_type a1 c
wq_screen_wait a1 "claimed 2 requests" 5
for t in $b1 $b2; do [ "$(ui_state "$t")" = claimed ] || fail "$t not claimed by the batch"; done
ok "batch claim of $b1 and $b2"

# two agents claim the same request at the same moment: one wins, the other is told
ui_open a2 agent2
wq_screen_wait a2 "Agent queue" 10
wq_type a1 g
top1=$(ui_cursor_tracking a1)
wq_screen_wait a2 "^>.$top1" 5
wq_type a1 c
wq_type a2 c
# one of them wins: wait for its claim (not a fixed second: a loaded machine takes longer)
for ((i = 0; i < 300; i++)); do [ "$(ui_state "$top1")" = claimed ] && break; sleep 0.1; done
winner=$(ui_sql "SELECT u.username FROM requests r JOIN users u ON u.id = r.agent_id
	WHERE tracking = '$top1'")
case $winner in agent1) loser=a2 win=a1 ;; agent2) loser=a1 win=a2 ;;
*) fail "$top1 claimed by '$winner'" ;; esac
wq_screen_wait $win "claimed $top1" 5
wq_screen_wait $loser "! claim $top1" 5
ui_status $loser
ok "$winner won $top1; the other pane says: $(ui_status $loser | cut -c1-70)"

# a request paid meanwhile appears without a key press (title count and a row)
before=$(queued)
# (the demo may hold no unpaid request: an expired one plays the part)
new=$(ui_sql "SELECT tracking FROM requests WHERE state IN ('pending_payment', 'expired')
	ORDER BY state = 'pending_payment' DESC, office_id = $OFFICE_ID DESC, id LIMIT 1")
[ -n "$new" ] || fail "no pending request to pay in the demo"
if "$WATIQA_BIN" help 2>&1 | grep -q "request pay"; then
	ui_sql "UPDATE requests SET office_id = $OFFICE_ID WHERE tracking = '$new'"
	"$WATIQA_BIN" request pay --db "$WQ_DB" "$new" >/dev/null
else
	# no CLI for it: play the payment's write directly (old paid_at: first row)
	ui_sql "UPDATE requests SET state = 'paid', paid_at = 1000, office_id = $OFFICE_ID,
		version = version + 1, updated_at = strftime('%s', 'now') WHERE tracking = '$new'"
fi
wq_screen_wait a1 "\[Queue $((before + 1))\]" 5
wq_screen_wait a2 "Queue $((before + 1))" 5
ok "$new appeared in both panes without a key"

# resize: the screen is drawn for the new size
$WQ_TMUX resize-window -t a1 -x 100 -y 30
# the redraw's time is the machine's: wait for the key bar on the new last row
for ((i = 0; i < 300; i++)); do wq_screen a1 | tail -n 1 | grep -q "c:claim" && break; sleep 0.1; done
[ "$(wq_screen a1 | wc -l)" = 30 ] || fail "pane is not 30 rows"
wq_screen a1 | tail -n 1 | grep -q "c:claim" || { wq_screen a1 >&2; fail "no key bar after resize"; }
wq_screen a1 | head -n 1 | grep -q "Agent queue" || fail "no title after resize"
$WQ_TMUX resize-window -t a1 -x 80 -y 24
for ((i = 0; i < 300; i++)); do wq_screen a1 | tail -n 1 | grep -q "c:claim" && break; sleep 0.1; done
wq_screen a1 | tail -n 1 | grep -q "c:claim" || { wq_screen a1 >&2; fail "no key bar at 80x24"; }
ok "resize redraws"

wq_type a1 q
wq_screen_wait a1 "ui exited" 5
[ ! -s "$T/ui-a1.err" ] || { cat "$T/ui-a1.err" >&2; fail "ui wrote to stderr"; }
ok "q leaves"
