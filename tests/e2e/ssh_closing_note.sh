#!/usr/bin/env bash
# ssh_closing_note.sh - the note that ends a session (idle timeout, server stopping) goes
# on the channel's own stream, after the screen's last bytes, not on stderr.  An OpenSSH
# client writes what it gets on the channel to its stdout and the channel's stderr to
# its stderr, from two buffers: a note on stderr could overtake ncurses leaving the
# alternate screen and be wiped with it (ssh_limits once never saw the idle note).  Here
# a real ssh -tt (password by sshpass) writes its stdout and its stderr to two files, so
# each stream's bytes can be read in order: the note must be on stdout, the last thing
# there, after the alternate screen's exit (ESC [?1049l), and nothing of it on stderr.
source "$(dirname "$0")/lib.sh"
command -v sshpass >/dev/null || fail "sshpass not installed (make test-deps)"
# the session ends with its screen (a dropped link's kept screen is ssh_reattach.sh's)
export WATIQA_DETACH_SECONDS=0
# ncurses on the server's pty enters and leaves the alternate screen for an xterm
export TERM=xterm-256color
unset WATIQA_IDLE_TIMEOUT

# wq_ssh_split NAME: agent1 logs in with a pty (-tt); ssh's stdout to $T/NAME.out, its
# stderr to $T/NAME.err, its stdin a fifo held open and silent (no key is ever typed).
# Sets SSH_PID.
mkfifo "$T/in"
exec 3<>"$T/in"
wq_ssh_split() {
	timeout 120 sshpass -p watiqa-demo ssh -tt -p "$WQ_SSH_PORT" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o PubkeyAuthentication=no -o PreferredAuthentications=password \
		agent1@127.0.0.1 <"$T/in" >"$T/$1.out" 2>"$T/$1.err" &
	SSH_PID=$!
	WQ_PIDS+=($SSH_PID)
}

# wq_ssh_ended NAME: waits for the client to end (the server closes the channel).
wq_ssh_ended() {
	local i
	for ((i = 0; i < $(wq_wait_secs 30) * 10; i++)); do
		kill -0 "$SSH_PID" 2>/dev/null || return 0
		sleep 0.1
	done
	fail "$1: ssh still running after the session should have closed"
}

# note_placed NAME NOTE: NOTE is on stdout, the last bytes there, after the screen left
# the alternate screen; stderr has none of it.
note_placed() {
	python3 - "$T/$1.out" "$T/$1.err" "$2" <<'EOF'
import sys
out = open(sys.argv[1], "rb").read()
err = open(sys.argv[2], "rb").read()
note = sys.argv[3].encode()
enter, leave = b"\x1b[?1049h", b"\x1b[?1049l"
problems = []
if enter not in out:
    problems.append("the screen never entered the alternate screen on stdout")
if leave not in out:
    problems.append("the screen never left the alternate screen on stdout")
if note not in out:
    problems.append("the note is not on stdout")
elif out.rfind(note) < out.rfind(leave):
    problems.append("the note is on stdout before the alternate screen's exit")
elif not out.rstrip(b"\r\n").endswith(note):
    problems.append("bytes follow the note on stdout: %r" % out[out.rfind(note):][-120:])
if note in err or b"watiqa:" in err:
    problems.append("the note (or another watiqa: line) is on stderr: %r" % err[-200:])
if problems:
    print("; ".join(problems))
    print("stdout's last bytes: %r" % out[-240:])
    print("stderr: %r" % err[-240:])
    sys.exit(1)
EOF
}

# ---- the server stopping (no idle timeout on this server: only the stop ends it) ----
wq_start_server
wq_ssh_split stop
wq_wait_for "$T/stop.out" "Queue" 30
kill "$WQ_SERVE_PID"
wq_ssh_ended stop
note_placed stop "watiqa: the server is stopping." || fail "server stopping's note misplaced"
ok "server stopping: its note on ssh's stdout after the alternate screen's exit, nothing on stderr"
for ((i = 0; i < 300; i++)); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$WQ_SERVE_PID" 2>/dev/null && fail "serve did not stop on SIGTERM"

# ---- the idle timeout: a second server on the same database, idle after 4 s ----
mv "$T/serve.log" "$T/serve1.log"
export WATIQA_IDLE_TIMEOUT=4
wq_start_server
wq_ssh_split idle
wq_wait_for "$T/idle.out" "Queue" 30
wq_ssh_ended idle
wq_wait_for "$T/serve.log" "idle for 4 s: closing" 5
note_placed idle "watiqa: closed after 4 seconds without input." || fail "idle timeout's note misplaced"
ok "idle timeout: 'closed after 4 seconds without input' on ssh's stdout after the alternate screen's exit, nothing on stderr"

exec 3>&-
