#!/usr/bin/env bash
# supervisor_board.sh - the supervisor of RBT-HAS-1 works his board over SSH (OpenSSH's
# ssh in tmux, 80x24) while agent3 of RBT-AGD-1 watches his queue in another session:
# the board shows counts by stage, agent loads and late requests; a request reassigned
# to RBT-AGD-1 leaves the board and appears in agent3's queue without a key press; a
# marked batch goes the same way; assign to an agent and declare a stage; an agent's
# claim elsewhere shows up live; and the supervisor cannot see or touch a request of
# another office by any path (screen search, CLI as supervisor1).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as agent1 "Agent queue"
HAS1=$(wq_sql "SELECT id FROM offices WHERE code = 'RBT-HAS-1'")
AGD1=$(wq_sql "SELECT id FROM offices WHERE code = 'RBT-AGD-1'")
office_of() { wq_sql "SELECT o.code FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE r.tracking = '$1'"; }
agd_queue() { wq_sql "SELECT count(*) FROM requests WHERE state = 'paid' AND agent_id IS NULL
	AND office_id IN (SELECT id FROM offices WHERE id = $AGD1 OR relay_office_id = $AGD1)"; }

ui_open_as s supervisor1
wq_screen_wait s "Office board" 15
wq_screen_wait s "Queue [0-9]* *Claimed [0-9]* *Prod [0-9]* *Ready [0-9]* *Post [0-9]*" 5
wq_screen_wait s "Agents c/p/r: agent1 [0-9]*/[0-9]*/[0-9]*" 5
queue=$(wq_sql "SELECT count(*) FROM requests WHERE state = 'paid'
	AND office_id IN (SELECT id FROM offices WHERE id = $HAS1 OR relay_office_id = $HAS1)")
wq_screen_wait s " Queue $queue " 5
ok "supervisor1 ($VIA): board with stages (queue $queue), agent loads"

# only his office and the office it relays
for t in $(wq_screen s | grep -o 'W[0-9]\{10\}'); do
	case $(office_of "$t") in RBT-HAS-1 | RBT-HAS-3) ;; *) fail "$t of $(office_of "$t") on the board" ;; esac
done
if [ "$(wq_sql "SELECT count(*) FROM requests WHERE state = 'paid'
	AND office_id = $HAS1 AND paid_at < strftime('%s', 'now') - 3 * 86400")" -gt 0 ]; then
	wq_type s 6
	wq_screen_wait s "\[Late" 5
	wq_screen s | grep -q "LATE\|ESC" || fail "late view shows no LATE, LATE+ or ESC row"
	ok "overdue requests are listed and marked LATE, LATE+ or ESC"
fi

ui_open_as a agent3
wq_screen_wait a "Agent queue" 15
before=$(agd_queue)
wq_screen_wait a "\[Queue $before\]" 5

# ---- reassign one request to RBT-AGD-1: it leaves the board, appears at agent3 ----
wq_type s 1
wq_screen_wait s "\[Queue" 5
t1=$(ui_cursor_tracking s)
[ -n "$t1" ] || fail "no request under the cursor in the queue view"
wq_type s a
wq_screen_wait s "to which office" 5
wq_type s -l "AGD-1"
wq_screen_wait s "> RBT-AGD-1" 5
wq_type s Enter
wq_screen_wait s "Reassign: why" 5
wq_type s Enter
wq_screen_wait s "Send $t1" 5
wq_type s y
wq_screen_wait s "$t1 sent to RBT-AGD-1" 5
[ "$(office_of "$t1")" = RBT-AGD-1 ] || fail "$t1 is at $(office_of "$t1")"
ui_wait_gone s "^..$t1" 5
wq_screen_wait a "\[Queue $((before + 1))\]" 5
ui_search a "$t1"
ok "reassigned $t1: gone from the board, in agent3's queue live"

# ---- a marked batch ----
wq_type s g
b1=$(ui_cursor_tracking s)
wq_type s Space
wq_screen_wait s "^ \*$b1" 5
b2=$(ui_cursor_tracking s)
wq_type s Space
wq_screen_wait s "2\* " 5
wq_type s a
wq_screen_wait s "Reassign 2 requests" 5
wq_type s -l "AGD-1"
wq_screen_wait s "> RBT-AGD-1" 5
wq_type s Enter
wq_screen_wait s "Reassign: why" 5
wq_type s Down Enter
wq_screen_wait s "marked requests" 5
wq_type s y
wq_screen_wait s "reassigned" 5
for t in $b1 $b2; do [ "$(office_of "$t")" = RBT-AGD-1 ] || fail "$t not moved by the batch"; done
wq_screen_wait a "\[Queue $((before + 3))\]" 5
note=$(wq_sql "SELECT note FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$b1' ORDER BY e.id DESC LIMIT 1")
case $note in *"relayed office"*) ;; *) fail "batch reason not in the history: $note" ;; esac
ok "batch of $b1 $b2 reassigned with a reason; agent3 sees 3 more"

# ---- assign a queued request to agent2, declare its stage ----
wq_type s g
t2=$(ui_cursor_tracking s)
wq_type s A
wq_screen_wait s "to which agent" 5
wq_type s -l agent2
wq_type s Enter
wq_screen_wait s "$t2 to agent2: assigned" 5
[ "$(ui_state "$t2")" = claimed ] || fail "$t2 is $(ui_state "$t2")"
wq_type s 2
ui_search s "$t2"
wq_screen_wait s "^>.$t2 claimed   agent2" 5
wq_type s d
wq_screen_wait s "declare which stage" 5
wq_type s -l in_prod
wq_type s Enter
wq_screen_wait s "$t2 is now in_production" 5
[ "$(ui_state "$t2")" = in_production ] || fail "$t2 is $(ui_state "$t2")"
ok "assigned $t2 to agent2 and declared it in production"

# ---- an agent's work elsewhere shows up live ----
wq_type s 0
t3=$(wq_sql "SELECT tracking FROM requests WHERE state = 'paid' AND office_id = $HAS1
	ORDER BY paid_at DESC LIMIT 1")
ui_search s "$t3"
"$WATIQA_BIN" request move "$t3" claimed --as agent1 --db "$WQ_DB" >/dev/null
wq_screen_wait s "^>.$t3 claimed   agent1" 5
ok "agent1's claim of $t3 appears on the board without a key"

# ---- scope: another office's request is out of reach ----
other=$(wq_sql "SELECT tracking FROM requests WHERE office_id = $AGD1 AND state = 'claimed' LIMIT 1")
if [ -z "$other" ]; then # the demo may have none: agent3 claims one of his queue
	other=$(wq_sql "SELECT tracking FROM requests WHERE office_id = $AGD1 AND state = 'paid' LIMIT 1")
	"$WATIQA_BIN" request move "$other" claimed --as agent3 --db "$WQ_DB" >/dev/null
fi
[ -n "$other" ] || fail "no request at RBT-AGD-1 to try"
wq_type s /
wq_screen_wait s "Search:" 5
wq_type s -l "$other"
wq_type s Enter
wq_screen_wait s "not found: $other" 5
v=$(wq_sql "SELECT version FROM requests WHERE tracking = '$other'")
for cmd in "request show $other" "request move $other in_production" \
	"request move $other rejected --note x" "request reassign $other RBT-HAS-1 --note mine"; do
	set +e
	out=$("$WATIQA_BIN" $cmd --as supervisor1 --db "$WQ_DB" 2>&1)
	rc=$?
	set -e
	[ $rc = 2 ] || fail "'$cmd' as supervisor1 exited $rc: $out"
	case $out in *"in your scope"*) ;; *) fail "'$cmd': $out" ;; esac
done
[ "$(wq_sql "SELECT version FROM requests WHERE tracking = '$other'")" = "$v" ] ||
	fail "$other changed"
[ "$(office_of "$other")" = RBT-AGD-1 ] || fail "$other moved"
ok "supervisor1 cannot find or change $other of RBT-AGD-1 (screen search, CLI show/move/reassign)"

wq_type s q
wq_type a q
