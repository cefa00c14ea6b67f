#!/usr/bin/env bash
# ssh_reattach.sh - a session survives a dropped link: agent1 half-types a reject reason
# over real ssh, his client is killed, and when he logs in again within detach_seconds
# the screen is as he left it (the same UI process, the half-typed text); he finishes
# the reject and it is in the database.  agent2 never gets agent1's screen, nor does a
# process that is not a session; 'q' never detaches; after the grace period (3 s on a
# second server) a login gets a fresh screen and no process of the old one is left; a
# newer drop of the same account replaces the older kept screen; an idle timeout never
# keeps one (third server).
# Loopback only, every wait bounded.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

keepers() { pgrep -x wq-ssh-keeper -P "$(wq_ssh_listener)" | wc -l; }
n_logged() { grep -c -- "$1" "$T/serve.log" || true; }
audited() { wq_sql "SELECT count(*) FROM audit_log WHERE action = '$1' AND actor_label = '$2'"; }

# ---- first server: the default grace (300 s) ----
unset WATIQA_DETACH_SECONDS
wq_start_server

wq_login a agent1 watiqa-demo
wq_screen_wait a "\[Queue" 15
top=$(ui_cursor_tracking a)
[ -n "$top" ] || { wq_screen a >&2; fail "no request under the cursor"; }
wq_type a c
wq_screen_wait a "claimed $top" 5
wq_type a Tab
ui_search a "$top"
wq_type a x
wq_screen_wait a "other (type the reason)" 5
wq_type a -l "type the"
wq_screen_wait a "> other" 5
wq_type a Enter
wq_screen_wait a "Reason" 5
wq_type a -l "half of a reason"
wq_screen_wait a "half of a reason" 5
session=$(wq_ssh_sessions)
ui=$(pgrep -P "$session" -x wq-ui)
[ -n "$ui" ] || fail "no UI child under session $session"
ok "agent1 claimed $top and half-typed a reject reason (UI $ui)"

# the link drops: the session keeps the UI child and its pty
$WQ_TMUX kill-session -t a
wq_wait_for "$T/serve.log" "ssh agent1@127.0.0.1: detached (link lost)" 10
kill -0 "$ui" 2>/dev/null || fail "UI child $ui gone after the drop"
[ "$(keepers)" = 1 ] || fail "expected one keeper, got $(keepers)"
[ "$(ps -o ppid= -p "$ui" | tr -d ' ')" = "$session" ] || fail "UI $ui is not the keeper's child"
sock=$T/sessions/agent1.sock
[ -S "$sock" ] || fail "no socket $sock"
[ "$(stat -c %a "$sock")" = 600 ] || fail "socket mode $(stat -c %a "$sock")"
[ "$(stat -c %a "$T/sessions")" = 700 ] || fail "sessions directory mode $(stat -c %a "$T/sessions")"
[ "$(audited session.detach agent1)" = 1 ] || fail "session.detach not audited"
ok "client killed: the session keeps UI $ui, listening on $sock (0600, dir 0700); audited"

# a process of the same uid that is not a session is refused
python3 - "$sock" >"$T/probe.out" 2>&1 <<'EOF' || true
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.settimeout(5)
msg = struct.pack("=c3xiq32s33s", b"H", 0, 0, b"agent1", b"")
s.send(msg + b"\0" * (88 - len(msg)))
try:
    data = s.recv(200)
    print("got", data[:1].decode(errors="replace") if data else "close")
except Exception as e:
    print("error", e)
EOF
grep -q "got O" "$T/probe.out" && fail "a foreign process took the screen: $(cat "$T/probe.out")"
wq_wait_for "$T/serve.log" "refused a connection to the detached screen" 5
kill -0 "$ui" 2>/dev/null || fail "UI $ui gone after the probe"
ok "a process that is not a session is refused ($(cat "$T/probe.out"))"

# agent1 logs in again: the same screen, the half-typed text
wq_login b agent1 watiqa-demo
wq_screen_wait b "half of a reason" 15
wq_screen_wait b "Tab: next field" 5
wq_wait_for "$T/serve.log" "ssh agent1@127.0.0.1: reattached the screen detached" 5
kill -0 "$ui" 2>/dev/null || fail "UI $ui gone after the reattach"
[ "$(audited session.reattach agent1)" = 1 ] || fail "session.reattach not audited"
ok "agent1 logs in again: the form with the half-typed reason is back (same UI $ui)"

wq_type b -l " that was cut"
wq_type b Enter
wq_screen_wait b "Reject $top" 5
wq_type b y
wq_screen_wait b "$top rejected" 5
[ "$(ui_state "$top")" = rejected ] || fail "$top is $(ui_state "$top")"
[ "$(wq_sql "SELECT reject_reason FROM requests WHERE tracking = '$top'")" = \
	"half of a reason that was cut" ] || fail "reason: $(wq_sql "SELECT reject_reason FROM requests WHERE tracking = '$top'")"
ok "the reject is finished: $top rejected with 'half of a reason that was cut'"

# ---- another account never gets agent1's screen ----
wq_type b x
wq_screen_wait b "Reject: why?" 5
$WQ_TMUX kill-session -t b
wq_wait_for "$T/serve.log" "detached (link lost again)" 10
wq_login c agent2 watiqa-demo
wq_screen_wait c "\[Queue" 15
sleep 0.5
wq_screen c | grep -q "Reject: why?" && fail "agent2 got agent1's screen"
grep -q "ssh agent2@127.0.0.1: reattached" "$T/serve.log" && fail "agent2 reattached"
kill -0 "$ui" 2>/dev/null || fail "agent1's UI $ui gone when agent2 logged in"
$WQ_TMUX kill-session -t c
wq_wait_for "$T/serve.log" "ssh agent2@127.0.0.1: detached" 10
ok "agent2 logs in to a fresh screen; agent1's stays kept"

# ---- 'q' never detaches; the next login is fresh ----
wq_login d agent1 watiqa-demo
wq_screen_wait d "Reject: why?" 15
wq_type d Escape
ui_wait_gone d "Reject: why?" 5
wq_type d q
wq_screen_wait d "onnection to 127.0.0.1 closed" 10
wq_wait_for "$T/serve.log" "kept screen ended (status 0)" 5
for ((i = 0; i < 300; i++)); do kill -0 "$ui" 2>/dev/null || break; sleep 0.1; done
kill -0 "$ui" 2>/dev/null && fail "UI $ui still running after q"
detached=$(n_logged "ssh agent1@127.0.0.1: detached")
reattached=$(n_logged "ssh agent1@127.0.0.1: reattached")
wq_login e agent1 watiqa-demo
wq_screen_wait e "\[Queue" 15
sleep 0.5
[ "$(n_logged "ssh agent1@127.0.0.1: reattached")" = "$reattached" ] || fail "reattached after q"
[ "$(n_logged "ssh agent1@127.0.0.1: detached")" = "$detached" ] || fail "detached on q"
wq_type e q
wq_screen_wait e "onnection to 127.0.0.1 closed" 10
[ -e "$sock" ] && fail "$sock left behind"
ok "'q' ends the kept screen (UI gone, socket removed); the next login is fresh"

# the server stops: agent2's kept screen ends with it.  The client says "closed" before
# the listener has reaped the session that ended: wait until agent2's keeper is its only
# child, or the stop line counts a session on its way out (seen under load)
l=$(wq_ssh_listener)
for ((i = 0; i < 300; i++)); do [ "$(wq_ssh_sessions | wc -w)" -le 1 ] && break; sleep 0.1; done
kill "$WQ_SERVE_PID"
for ((i = 0; i < 300; i++)); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
[ "$(wq_ssh_procs)" = 0 ] || fail "processes left after SIGTERM"
grep -q "stopping, 0 session(s) open (1 detached)" "$T/serve.log" || fail "stop line: $(grep stopping "$T/serve.log")"
pgrep -x wq-ui -u "$(id -u)" >/dev/null && pgrep -a -x wq-ui >&2 && echo "note: some wq-ui runs (another test?)"
$WQ_TMUX kill-server 2>/dev/null || true
ok "SIGTERM ends the kept screens too"

# ---- second server: 3 s of grace ----
mv "$T/serve.log" "$T/serve1.log"
export WATIQA_DETACH_SECONDS=3
wq_start_server
wq_login f agent1 watiqa-demo
wq_screen_wait f "\[Queue" 15
wq_type f x
wq_screen_wait f "Reject: why?" 5
ui=$(pgrep -P "$(wq_ssh_sessions)" -x wq-ui)
$WQ_TMUX kill-session -t f
wq_wait_for "$T/serve.log" "detached (link lost): screen kept 3 s" 10
wq_wait_for "$T/serve.log" "nobody came back in 3 s: screen ended" 10
wq_wait_count wq_ssh_procs 1 5
kill -0 "$ui" 2>/dev/null && fail "UI $ui still running after the grace period"
[ -e "$T/sessions/agent1.sock" ] && fail "socket left after the grace period"
wq_login g agent1 watiqa-demo
wq_screen_wait g "\[Queue" 15
sleep 0.5
wq_screen g | grep -q "Reject: why?" && fail "the expired screen came back"
grep -q "reattached" "$T/serve.log" && fail "reattached after the grace period"
wq_type g q
wq_screen_wait g "onnection to 127.0.0.1 closed" 10
wq_wait_count wq_ssh_procs 1 10
ok "after 3 s the kept screen ends (no UI, no socket); the next login is fresh"

# ---- third server: a newer drop replaces the older kept screen; idle never detaches ----
$WQ_TMUX kill-server 2>/dev/null || true
kill "$WQ_SERVE_PID"
for ((i = 0; i < 300; i++)); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
mv "$T/serve.log" "$T/serve2.log"
export WATIQA_DETACH_SECONDS=60 WATIQA_IDLE_TIMEOUT=6
wq_start_server
wq_login h1 agent1 watiqa-demo
wq_login h2 agent1 watiqa-demo
wq_screen_wait h1 "\[Queue" 15
wq_screen_wait h2 "\[Queue" 15
wq_type h2 x
wq_screen_wait h2 "Reject: why?" 5
$WQ_TMUX kill-session -t h1
wq_wait_for "$T/serve.log" "detached (link lost)" 10
$WQ_TMUX kill-session -t h2
wq_wait_for "$T/serve.log" "detached screen replaced by a newer one: ending it" 10
wq_wait_for "$T/serve.log" "replaces an older detached screen" 5
wq_wait_count keepers 1 5
wq_wait_count wq_ssh_procs 3 5
ok "a newer drop of agent1 replaces the older kept screen (one keeper, one UI left)"

# the newer one is what agent1 gets back; then he leaves it idle: closed, not kept
wq_login i agent1 watiqa-demo
wq_screen_wait i "Reject: why?" 15
detached=$(n_logged "detached (")
for ((k = 0; k < 300; k++)); do [ "$(wq_ssh_procs)" = 1 ] && break; sleep 0.1; done
[ "$(wq_ssh_procs)" = 1 ] || fail "idle session left $(wq_ssh_procs) processes"
[ "$(n_logged "detached (")" = "$detached" ] || fail "an idle timeout kept the screen"
[ -e "$T/sessions/agent1.sock" ] && fail "socket left after the idle timeout"
$WQ_TMUX kill-server 2>/dev/null || true
ok "an idle reattached session ends with its UI, nothing kept"
