#!/usr/bin/env bash
# escalation.sh - deadlines escalate by themselves.  The oldest request waiting in
# agent1's office queue (RBT-HAS-1) is followed as the clock moves (WATIQA_FAKE_NOW,
# read by every process): one working day after payment it is LATE on agent1's queue
# and on supervisor1's board; two, LATE+; past the five working days announced to the
# citizen it is ESC on both and on inspector1's escalations, and the server's sweep
# has opened one complaint for the citizen by itself (in the citizen's language,
# audited), and none for delivered or rejected requests.  Working days skip weekends
# and etc/holidays.conf, as src/escalate.c does (Morocco's calendar, local_day.c).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_setup # the demo, loaded now, in $T/ui.db
T1=$(ui_sql "SELECT r.tracking FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE o.code = 'RBT-HAS-1' AND r.state = 'paid' AND r.agent_id IS NULL
	ORDER BY r.paid_at, r.id LIMIT 1")
[ -n "$T1" ] || fail "no request in RBT-HAS-1's queue"
PAID=$(ui_sql "SELECT paid_at FROM requests WHERE tracking = '$T1'")

# ---- working days, as escalate_deadline() counts them ----
HOLIDAYS=" $(grep -o '^[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}' "$WQ_ROOT/etc/holidays.conf" | tr '\n' ' ') "
working() { # DAY (days since 1970-01-01, local)
	local dow=$((($1 + 4) % 7))
	[ $dow != 0 ] && [ $dow != 6 ] &&
		[[ $HOLIDAYS != *" $(date -u -d "@$(($1 * 86400))" +%F) "* ]]
}
day_of() { # T: its day in Morocco, days since 1970-01-01 (Ramadan's UTC+0 included)
	echo $(( $(date -u -d "$(TZ=Africa/Casablanca date -d "@$1" +%F)" +%s) / 86400 ))
}
day_start() { # DAY: the instant of its local midnight
	TZ=Africa/Casablanca date -d "$(date -u -d "@$(($1 * 86400))" +%F)" +%s
}
deadline() { # T N: the instant N working days after T
	local day tod i
	day=$(day_of "$1")
	tod=$(($1 - $(day_start "$day")))
	if ! working $day; then
		tod=0
		day=$((day + 1)); while ! working $day; do day=$((day + 1)); done
	fi
	for ((i = 0; i < $2; i++)); do
		day=$((day + 1)); while ! working $day; do day=$((day + 1)); done
	done
	echo $(($(day_start "$day") + tod))
}

# ui_at NAME USER NOW: `watiqa ui USER` on the demo database with the clock at NOW.
ui_at() {
	$WQ_TMUX new-session -d -s "$1" -x 80 -y 24 \
		"env TERM=xterm-256color WATIQA_DB='$WQ_DB' WATIQA_FAKE_NOW=$3 \
		 '$WATIQA_BIN' ui $2 2>'$T/ui-$1.err'; echo 'ui exited'; sleep 30"
	wq_screen_wait "$1" "Watiqa |" 10
}
# row_level NAME: the Late cell of the row under the cursor (LATE, LATE+, ESC or "").
row_level() { wq_screen "$1" | grep "^>.$T1" | grep -o ' \(LATE+\|LATE\|ESC\) ' | tr -d ' ' | head -1; }
# the supervisor board: its search, then the row under the cursor
board_find() { ui_search "$1" "$T1"; }

# ---- within the day: on time ----
NOW=$(( $(deadline "$PAID" 1) - 60 ))
ui_at a agent1 "$NOW"
ui_search a "$T1"
[ -z "$(row_level a)" ] || fail "$T1 is '$(row_level a)' before its first working day is over"
ok "$T1 on agent1's queue: on time until one working day after payment"
$WQ_TMUX kill-session -t a

# ---- one working day late: flagged on the agent's queue ----
NOW=$(( $(deadline "$PAID" 1) + 60 ))
ui_at a agent1 "$NOW"
ui_search a "$T1"
[ "$(row_level a)" = LATE ] || fail "$T1 shows '$(row_level a)' on agent1's queue, expected LATE"
ui_at s supervisor1 "$NOW"
board_find s
[ "$(row_level s)" = LATE ] || fail "$T1 shows '$(row_level s)' on the board, expected LATE"
ok "$T1 one working day late: LATE on agent1's queue and supervisor1's board"
$WQ_TMUX kill-session -t a
$WQ_TMUX kill-session -t s

# ---- late by one more working day: raised to the supervisor's board ----
NOW=$(( $(deadline "$PAID" 2) + 60 ))
ui_at s supervisor1 "$NOW"
board_find s
[ "$(row_level s)" = LATE+ ] || fail "$T1 shows '$(row_level s)' on the board, expected LATE+"
wq_screen s | grep -q "| Late [0-9]*, raised [1-9][0-9]*" || fail "the board counts nothing raised"
wq_type s 6
wq_screen_wait s "\[Late" 5
ok "$T1 raised to supervisor1's board (LATE+), counted in its head line"
$WQ_TMUX kill-session -t s

# ---- past the five working days announced to the citizen: the server's sweep ----
NOW=$(( $(deadline "$PAID" 5) + 60 ))
before=$(ui_sql "SELECT count(*) FROM complaints")
mv "$WQ_DB" "$T/watiqa.db"
export WATIQA_FAKE_NOW=$NOW # serve keeps it: the demo is already loaded
wq_start_server
ID=$(wq_sql "SELECT id FROM requests WHERE tracking = '$T1'")
for ((i = 0; i < 100; i++)); do
	[ "$(wq_sql "SELECT count(*) FROM escalation_complaints WHERE request_id = $ID")" = 1 ] && break
	sleep 0.2
done
C=$(wq_sql "SELECT complaint_id FROM escalation_complaints WHERE request_id = $ID")
[ -n "$C" ] || fail "no complaint opened for $T1 past its window"
lang=$(wq_sql "SELECT lang FROM requests WHERE id = $ID")
body=$(wq_sql "SELECT body FROM complaints WHERE id = $C")
case $lang in
ar) [[ $body == "تم تجاوز الأجل المعلن"* ]] || fail "Arabic request, complaint: $body" ;;
*) [[ $body == "Délai annoncé dépassé"* ]] || fail "French request, complaint: $body" ;;
esac
[ "$(wq_sql "SELECT opened_by IS NULL AND state = 'open' AND opened_at = $NOW FROM complaints WHERE id = $C")" = 1 ] ||
	fail "complaint #$C is not an open one of the citizen, opened now"
[ "$(wq_sql "SELECT count(*) FROM complaints WHERE request_id = $ID AND id IN
	(SELECT complaint_id FROM escalation_complaints)")" = 1 ] || fail "more than one for $T1"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'complaint.auto_open'
	AND target = '$T1' AND actor_label = 'system'")" = 1 ] || fail "complaint #$C not audited once"
ok "the sweep opened complaint #$C for $T1 by itself ($lang: ${body:0:40}...), audited"

# both counts in one statement, one snapshot: the sweep may still be opening complaints
# (each with its escalation row, in one transaction), longer than any fixed sleep on a
# loaded machine
read -r opened all <<<"$(wq_sql "SELECT (SELECT count(*) FROM escalation_complaints) || ' ' ||
	(SELECT count(*) FROM complaints)")"
[ "$all" = "$((before + opened))" ] || fail "complaints: $all, expected $before + $opened"
[ "$(wq_sql "SELECT count(*) FROM escalation_complaints x JOIN requests r ON r.id = x.request_id
	WHERE r.state NOT IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed',
	'ready', 'with_post')")" = 0 ] ||
	fail "a complaint was opened for a delivered, rejected or returned request"
[ "$(wq_sql "SELECT count(*) FROM (SELECT c.request_id FROM complaints c JOIN
	escalation_complaints x ON x.complaint_id = c.id GROUP BY c.request_id HAVING count(*) > 1)")" = 0 ] ||
	fail "a request got two"
[ "$(wq_sql "SELECT count(*) FROM requests WHERE state IN ('delivered', 'rejected')")" -gt 0 ] ||
	fail "the demo has no delivered or rejected request to leave alone"
ok "$opened complaints, one per open request past its window; none for delivered or rejected ones"

# ---- the screens, over ssh: ESC at every level, and the inspector's escalations ----
wq_login a agent1 watiqa-demo
wq_screen_wait a "Agent queue" 15
ui_search a "$T1"
[ "$(row_level a)" = ESC ] || fail "$T1 shows '$(row_level a)' on agent1's queue, expected ESC"
wq_login s supervisor1 watiqa-demo
wq_screen_wait s "Office board" 15
board_find s
[ "$(row_level s)" = ESC ] || fail "$T1 shows '$(row_level s)' on the board, expected ESC"
wq_login i inspector1 watiqa-demo
wq_screen_wait i "Complaints" 15
wq_type i E
wq_screen_wait i "Escalations" 5
wq_screen_wait i "Escalated [1-9]" 5
ui_search i "$T1"
[ "$(row_level i)" = ESC ] || fail "$T1 shows '$(row_level i)' on inspector1's escalations"
wq_screen i | grep "^>.$T1" | grep -q "#$C" || fail "the row does not name complaint #$C"
ok "$T1: ESC on agent1's queue, supervisor1's board and inspector1's escalations (complaint #$C)"

# only his province: every request listed is of a RABAT office
for t in $(wq_screen i | grep -o 'W[0-9]\{10\}'); do
	p=$(wq_sql "SELECT p.code FROM requests r JOIN offices o ON o.id = r.office_id
		JOIN communes c ON c.id = o.commune_id JOIN provinces p ON p.id = c.province_id
		WHERE r.tracking = '$t'")
	[ "$p" = RABAT ] || fail "$t of $p on inspector1's escalations"
done
wq_login k inspector2 watiqa-demo
wq_screen_wait k "Complaints" 15
wq_type k E
wq_screen_wait k "Escalations" 5
wq_screen k | grep -q "$T1" && fail "inspector2 (KENITRA) sees $T1"
ok "inspector1 sees only RABAT's requests; inspector2 does not see $T1"

# and the complaint is in inspector1's complaints queue, opened for the citizen
wq_type i Tab
wq_screen_wait i "Complaints" 5
wq_screen_wait i "$T1" 5
ok "complaint #$C waits in inspector1's complaints"
