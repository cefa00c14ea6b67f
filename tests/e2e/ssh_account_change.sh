#!/usr/bin/env bash
# ssh_account_change.sh - a disabled or demoted account loses its powers at once, over
# real OpenSSH (issue 12 item 2): an admin disables agent2 while agent2's session is open
# and agent2 presses claim: no claim is made and the session ends within 5 s, saying why;
# supervisor1 is made an agent and his open board becomes the agent queue of his office;
# agent3's kept screen (link dropped) ends within 5 s of agent3 being disabled.  The data
# layer's own refusal of each write by a stale actor is tests/test_isolation.c's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
keepers() { { pgrep -x wq-ssh-keeper -P "$(wq_ssh_listener)" || true; } | wc -l; }
wq_start_server

# ---- disabled while the session is open ----
wq_login a agent2 watiqa-demo
wq_screen_wait a "\[Queue" 15
top=$(ui_cursor_tracking a)
[ -n "$top" ] || { wq_screen a >&2; fail "no request under agent2's cursor"; }
claims() {
	ui_sql "SELECT count(*) FROM request_events e JOIN users u ON u.id = e.actor_id
		WHERE u.username = 'agent2' AND e.to_state = 'claimed'"
}
before=$(claims)
t0=$(date +%s%N)
wq user disable agent2 >/dev/null
wq_type a c
wq_screen_wait a "agent2 has been disabled" 5
wq_wait_for "$T/serve.log" "ssh agent2@127.0.0.1: session ended (status 4" 5
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -le 5000 ] || fail "agent2's session took $ms ms to end"
[ "$(claims)" = "$before" ] || fail "agent2 claimed after being disabled"
[ "$(ui_state "$top")" = paid ] || fail "$top is $(ui_state "$top"), not paid"
ok "agent2 disabled mid-session: the claim did not happen, the session ended in $ms ms, saying why"

# ---- demoted while the session is open: the new role's screen ----
wq_login b supervisor1 watiqa-demo
wq_screen_wait b "Office board" 15
t0=$(date +%s%N)
wq user role supervisor1 agent RBT-HAS-1 >/dev/null
wq_screen_wait b "Agent queue" 5
ms=$((($(date +%s%N) - t0) / 1000000))
wq_screen b | head -1 | grep -q "supervisor1, agent" || { wq_screen b >&2; fail "title not the agent's"; }
wq_wait_for "$T/serve.log" "ssh supervisor1@127.0.0.1: account is now agent: opening its screen" 2
ok "supervisor1 made an agent: his board became the agent queue in $ms ms, same connection"

# ---- a kept screen of an account disabled meanwhile ----
wq_login k agent3 watiqa-demo
wq_screen_wait k "\[Queue" 15
$WQ_TMUX kill-session -t k
wq_wait_for "$T/serve.log" "agent3@127.0.0.1: detached (link lost)" 30
for ((i = 0; i < 300; i++)); do [ -S "$T/sessions/agent3.sock" ] && break; sleep 0.1; done
[ -S "$T/sessions/agent3.sock" ] || fail "agent3's screen was not kept"
[ "$(keepers)" -ge 1 ] || fail "no keeper"
t0=$(date +%s%N)
wq user disable agent3 >/dev/null
for ((i = 0; i < 50; i++)); do [ -S "$T/sessions/agent3.sock" ] || break; sleep 0.1; done
ms=$((($(date +%s%N) - t0) / 1000000))
[ -S "$T/sessions/agent3.sock" ] && fail "agent3's kept screen still there after 5 s"
wq_wait_count keepers 0 3
ok "agent3 disabled: the kept screen ended in $ms ms (no keeper, no socket)"
