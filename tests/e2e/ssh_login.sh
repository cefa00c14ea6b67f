#!/usr/bin/env bash
# ssh_login.sh - an agent reaches his screen over SSH as a person would (OpenSSH's ssh in
# tmux): password login shows the queue, a resize reaches the screen, a dropped
# connection leaves no process behind; a wrong password and a disabled account are
# refused and audited; key login works and an exec names a screen; sftp, other commands
# and port forwarding are refused.  Loopback only, every wait bounded.
source "$(dirname "$0")/lib.sh"
# a dropped link ends the session here (detach_seconds 0); keeping the screen for the
# next login is ssh_reattach.sh
export WATIQA_DETACH_SECONDS=0

wq_start_server
[ -f "$WATIQA_HOST_KEY" ] || fail "no host key at $WATIQA_HOST_KEY"
[ "$(stat -c %a "$WATIQA_HOST_KEY")" = 600 ] || fail "host key mode is not 600"
grep -q "ssh listening on 127.0.0.1:$WQ_SSH_PORT" "$T/serve.log" || fail "no listening line"
ok "host key generated (0600), listening"

# ---- password login: the agent's queue ----
for ((i = 0; i < 100; i++)); do spare=$(wq_ssh_spare); [ -n "$spare" ] && break; sleep 0.1; done
[ -n "$spare" ] || fail "no spare session process waits for the first connection"
wq_login a agent1 watiqa-demo
wq_screen_wait a "Queue" 15
wq_wait_for "$T/serve.log" "ssh agent1@127.0.0.1: login ok (password)" 5
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'login.ok' AND actor_label = 'agent1'
	AND addr = '127.0.0.1'")" -ge 1 ] || fail "login.ok not audited"
ok "agent1 logs in with a password and sees the queue (audited)"

# ---- resize: the UI child's terminal follows the client's window ----
session=$(wq_ssh_sessions)
[ "$(echo "$session" | wc -w)" = 1 ] || fail "expected one session process, got: $session"
ui=$(pgrep -P "$session")
[ -n "$ui" ] || fail "no UI child under session $session"
[ "$session" = "$spare" ] || fail "the login went to $session, not to the spare $spare"
tty=$(readlink "/proc/$ui/fd/0")
[ "$(stty -F "$tty" size)" = "24 80" ] || fail "UI terminal is $(stty -F "$tty" size), not 24 80"
$WQ_TMUX resize-window -t a -x 100 -y 30
for ((i = 0; i < 300; i++)); do [ "$(stty -F "$tty" size)" = "30 100" ] && break; sleep 0.1; done
[ "$(stty -F "$tty" size)" = "30 100" ] || fail "UI terminal did not follow: $(stty -F "$tty" size)"
# the screen is redrawn at the new size: something is drawn below row 24
for ((i = 0; i < 50; i++)); do
	[ -n "$(wq_screen a | sed -n '26,30p' | tr -d ' ')" ] && break
	sleep 0.1
done
[ -n "$(wq_screen a | sed -n '26,30p' | tr -d ' ')" ] || {
	wq_screen a >&2
	fail "nothing drawn in rows 26-30 after the resize"
}
wq_screen a | grep -q "Queue" || fail "queue gone after resize"
ok "window-change reaches the UI child (30x100) and the screen is redrawn"

# ---- the client drops: session and UI child go, no orphan ----
$WQ_TMUX kill-session -t a
wq_wait_count wq_ssh_procs 1 10
kill -0 "$ui" 2>/dev/null && fail "UI child $ui still running"
wq_wait_for "$T/serve.log" "ssh agent1@127.0.0.1: client disconnected" 5
ok "disconnect leaves only the listener (no session, no UI child)"

# ---- the next spare comes after a login's first screen ----
# It is forked once the login has its first screen out (SESSION_REPORT_SETTLED), not at
# its password's answer, when its fork and set-up would take CPU from the login's last
# steps: so after the login's UI child (pids grow; a wrap-around in between is not
# expected).  The password from sshpass, at once: a login that takes longer than
# SPARE_REFILL_MS (1 s) from its connection gets its successor then, screen or not.
for ((i = 0; i < 100; i++)); do spare=$(wq_ssh_spare); [ -n "$spare" ] && break; sleep 0.1; done
[ -n "$spare" ] || fail "no spare session process waits for the next connection"
$WQ_TMUX new-session -d -s f -x 80 -y 24 \
	"sshpass -p watiqa-demo ssh -tt -p $WQ_SSH_PORT -o StrictHostKeyChecking=no \
	 -o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no \
	 -o PreferredAuthentications=password agent1@127.0.0.1; sleep 5"
wq_screen_wait f "Queue" 15
session=$(wq_ssh_sessions)
ui=$(pgrep -P "$session")
[ "$session" = "$spare" ] && [ -n "$ui" ] || fail "the login ($session, UI $ui) was not the spare's ($spare)"
for ((i = 0; i < 50; i++)); do next=$(wq_ssh_spare); [ -n "$next" ] && break; sleep 0.1; done
[ -n "$next" ] || fail "no new spare after the login"
[ "$next" -gt "$ui" ] || fail "the next spare ($next) was forked before the login's UI child ($ui)"
$WQ_TMUX kill-session -t f
wq_wait_count wq_ssh_procs 1 10
ok "the login was the spare's; the next spare came after its first screen"

# ---- wrong password: refused, audited with the address ----
before=$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND actor_label = 'agent1'")
wq_ssh_open b agent1 -o NumberOfPasswordPrompts=2
wq_screen_wait b "assword" 15
wq_type b "not-the-password" Enter
wq_screen_wait b "Permission denied, please try again" 10
wq_type b "still-wrong" Enter
wq_screen_wait b "Permission denied (" 10
wq_screen b | grep -q "Queue" && fail "wrong password reached the queue"
after=$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND actor_label = 'agent1'
	AND addr = '127.0.0.1'")
[ "$after" -ge $((before + 2)) ] || fail "login.fail audited $after times, expected >= $((before + 2))"
grep -q "ssh agent1@127.0.0.1: login refused (password)" "$T/serve.log" || fail "refusal not logged"
ok "wrong password refused, each attempt audited (login.fail, 127.0.0.1)"

# ---- disabled account: the right password is refused too ----
wq user disable agent2 --db "$WQ_DB" >/dev/null
wq_ssh_open c agent2 -o NumberOfPasswordPrompts=1
wq_screen_wait c "assword" 15
wq_type c watiqa-demo Enter
wq_screen_wait c "Permission denied (" 10
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'login.fail' AND actor_label = 'agent2'")" -ge 1 ] ||
	fail "disabled account's attempt not audited"
ok "disabled account refused and audited"

# ---- public key ----
ssh-keygen -q -t ed25519 -N '' -C agent1@test -f "$T/id_agent1"
ssh-keygen -q -t ed25519 -N '' -C other@test -f "$T/id_other"
wq user key-add agent1 "$(cat "$T/id_agent1.pub")" --db "$WQ_DB" >/dev/null
wq_ssh_key_open k agent1 "$T/id_agent1" -t
wq_screen_wait k "Queue" 15
wq_wait_for "$T/serve.log" "ssh agent1@127.0.0.1: login ok (ssh-ed25519)" 5
ok "key login (ed25519) reaches the queue"
wq_ssh_key_open k2 agent1 "$T/id_other" -t
wq_screen_wait k2 "ssh exited 255" 15
wq_screen k2 | grep -q "Permission denied (publickey" || fail "unknown key not refused"
ok "a key not stored for the user is refused"
wq_type k q
wq_screen_wait k "ssh exited 0" 10
wq_wait_for "$T/serve.log" "session ended (status 0" 5
ok "leaving the screen (q) ends the session with exit status 0"

# ---- exec names a screen; anything else is refused ----
wq_ssh_key_open e agent1 "$T/id_agent1" -t agent_queue
wq_screen_wait e "Queue" 15
wq_wait_for "$T/serve.log" "screen agent_queue" 5
$WQ_TMUX kill-session -t e
out=$(timeout 15 ssh -p "$WQ_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o IdentitiesOnly=yes -i "$T/id_agent1" -tt agent1@127.0.0.1 'cat /etc/passwd' \
	</dev/null 2>&1) && fail "a shell command was run: $out"
echo "$out" | grep -q "root:" && fail "a shell command was run"
echo "$out" | grep -q "exec request failed" || fail "exec of a command not refused: $out"
out=$(timeout 15 ssh -p "$WQ_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o IdentitiesOnly=yes -i "$T/id_agent1" -T agent1@127.0.0.1 agent_queue \
	</dev/null 2>&1) && fail "exec without a terminal succeeded"
echo "$out" | grep -q "a terminal is needed" || fail "no explanation without a pty: $out"
ok "exec of a screen name works; a command, or no pty, is refused"

# ---- no file transfer, no forwarding ----
echo "ls" >"$T/sftp.batch"
timeout 15 sftp -P "$WQ_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o IdentitiesOnly=yes -i "$T/id_agent1" -b "$T/sftp.batch" \
	agent1@127.0.0.1 >"$T/sftp.out" 2>&1 && fail "sftp worked"
grep -q "subsystem request failed" "$T/sftp.out" || fail "sftp: $(cat "$T/sftp.out")"
wq_wait_for "$T/serve.log" "subsystem sftp refused" 5
timeout 15 scp -O -P "$WQ_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o IdentitiesOnly=yes -i "$T/id_agent1" \
	agent1@127.0.0.1:/etc/passwd "$T/passwd" >"$T/scp.out" 2>&1 && fail "scp worked"
[ -e "$T/passwd" ] && fail "scp copied a file"
ok "sftp subsystem and scp refused"

fwd=$(wq_free_port)
timeout 20 ssh -p "$WQ_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o IdentitiesOnly=yes -i "$T/id_agent1" -N \
	-L "127.0.0.1:$fwd:127.0.0.1:$WQ_HTTP_PORT" -R "127.0.0.1:0:127.0.0.1:$WQ_HTTP_PORT" \
	agent1@127.0.0.1 >"$T/fwd.out" 2>&1 &
fwd_pid=$!
WQ_PIDS+=($fwd_pid)
for ((i = 0; i < 50; i++)); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $fwd), 1)" 2>/dev/null && break
	sleep 0.1
done
got=$(python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $fwd), 2)
s.settimeout(3)
s.sendall(b'GET / HTTP/1.0\r\n\r\n')
try: print(len(s.recv(100)))
except Exception: print(0)
" 2>/dev/null || echo 0)
[ "$got" = 0 ] || fail "local forwarding carried $got bytes"
for ((i = 0; i < 300; i++)); do grep -q "open failed" "$T/fwd.out" && break; sleep 0.1; done
grep -q "open failed" "$T/fwd.out" || fail "forwarding not refused: $(cat "$T/fwd.out")"
grep -qi "remote port forwarding failed" "$T/fwd.out" || fail "remote forwarding not refused: $(cat "$T/fwd.out")"
kill "$fwd_pid" 2>/dev/null || true
ok "local and remote port forwarding refused"

# ---- nothing left behind ----
$WQ_TMUX kill-server 2>/dev/null || true
wq_wait_count wq_ssh_procs 1 10
ok "only the listener is left"
