#!/usr/bin/env bash
# ssh_agents_claim.sh - two agents of one office work the queue over SSH at the same
# time, one with a password, one with a key: each sees the queue, a claim by one
# disappears from the other's screen without a key press, and when both claim the same
# request at the same moment exactly one wins and the other is told so.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

wq_start_server
ssh-keygen -q -t ed25519 -N '' -C agent2@test -f "$T/id_agent2"
wq user key-add agent2 "$(cat "$T/id_agent2.pub")" --db "$WQ_DB" >/dev/null

wq_login a1 agent1 watiqa-demo
wq_ssh_key_open a2 agent2 "$T/id_agent2" -t
wq_screen_wait a1 "Queue" 15
wq_screen_wait a2 "Queue" 15
ok "agent1 (password) and agent2 (key) see their office's queue over SSH"

# agent1 claims the first request: it leaves agent2's queue with no key pressed there
top=$(ui_cursor_tracking a1)
[ -n "$top" ] || { wq_screen a1 >&2; fail "no request under the cursor"; }
wq_screen_wait a2 "$top" 5
wq_type a1 c
wq_screen_wait a1 "claimed $top" 5
[ "$(ui_state "$top")" = claimed ] || fail "$top is $(ui_state "$top")"
ui_wait_gone a2 "$top" 10
ok "agent1 claimed $top; it left agent2's screen by itself"

# both claim the same request at the same moment
top=$(ui_cursor_tracking a1)
wq_screen_wait a2 "^>.$top" 5
wq_type a1 c
wq_type a2 c
# one of them wins: wait for its claim (not a fixed second: a loaded machine takes longer)
for ((i = 0; i < 300; i++)); do [ "$(ui_state "$top")" = claimed ] && break; sleep 0.1; done
winner=$(ui_sql "SELECT u.username FROM requests r JOIN users u ON u.id = r.agent_id
	WHERE tracking = '$top'")
case $winner in agent1) loser=a2 win=a1 ;; agent2) loser=a1 win=a2 ;;
*) fail "$top claimed by '$winner'" ;; esac
wq_screen_wait $win "claimed $top" 5
wq_screen_wait $loser "! claim $top" 5
ok "$winner won $top; the other screen says: $(ui_status $loser | cut -c1-60)"

# both leave; nothing is left running
wq_type a1 q
wq_type a2 q
wq_screen_wait a2 "ssh exited 0" 10
wq_wait_count wq_ssh_procs 1 10
ok "both sessions ended, only the listener is left"
