# lib.sh - shared by the end-to-end tests: a private temp dir, free loopback ports,
# a demo server started on them, and checks that print what failed.  Source it.
set -euo pipefail
# the stories type Arabic and accented French: their shell ($'\u061c'), tmux and grep
# need a UTF-8 locale whatever the caller's (a fresh Debian's login has none)
export LC_ALL=C.UTF-8
WATIQA_BIN=${WATIQA_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/watiqa}
WQ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export WATIQA_SHARE=$WQ_ROOT
T=$(mktemp -d /tmp/watiqa-e2e.XXXXXX)
WQ_PIDS=()
wq_cleanup() {
	for p in "${WQ_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	for p in "${WQ_PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
	tmux -L "wq$$" kill-server 2>/dev/null || true
	wq_ports_release
	if [ "${WQ_KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap wq_cleanup EXIT

# A free TCP port on 127.0.0.1, never one this test already took.  Drawn below the
# kernel's ephemeral range (32768-60999), where the kernel's own port 0 would give two
# calls in a row the same port under load (ssh and http both on 47613: seen) and where
# outgoing connections take theirs; $T/ports remembers what this test was given.
# Stories run side by side (make e2e, 2 at a time): a port found free is also reserved
# for this story under $WQ_PORTS_DIR (a directory per port holding the story's pid, made
# atomically), so that another story cannot draw it in the seconds before the server
# binds it (serve loads the demo first); a dead story's reservation is taken over.
WQ_PORTS_DIR=${TMPDIR:-/tmp}/watiqa-e2e-ports
wq_free_port() {
	python3 - "$T/ports" "$WQ_PORTS_DIR" "$$" <<'PY'
import os, random, shutil, socket, sys
path, shared, owner = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    taken = set(open(path).read().split())
except FileNotFoundError:
    taken = set()

def reserve(port):
    """True when this story may use port: reserved for it, or no shared place to say so"""
    try:
        os.makedirs(shared, exist_ok=True)
        os.chmod(shared, 0o1777)
    except OSError:
        pass
    d = os.path.join(shared, str(port))
    for _ in range(2):
        try:
            os.mkdir(d)
        except FileExistsError:
            try:
                os.kill(int(open(os.path.join(d, "pid")).read()), 0)
                return False  # another story's, still running
            except ProcessLookupError:
                shutil.rmtree(d, ignore_errors=True)  # its story is gone: take it over
                continue
            except (OSError, ValueError):
                return False  # being written, or another user's
        except OSError:
            return True  # no shared place to write in: this story's list only
        with open(os.path.join(d, "pid"), "w") as f:
            f.write(owner)
        return True
    return False

for _ in range(1000):
    port = random.randrange(20000, 32768)
    if str(port) in taken or not reserve(port):
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        shutil.rmtree(os.path.join(shared, str(port)), ignore_errors=True)
        continue
    finally:
        s.close()
    with open(path, "a") as f:
        f.write("%d\n" % port)
    print(port)
    break
else:
    sys.exit("no free port in 20000-32767")
PY
}
# wq_ports_release: this story's reservations given back (at its end).
wq_ports_release() {
	local p
	for p in $(cat "$T/ports" 2>/dev/null); do
		[ "$(cat "$WQ_PORTS_DIR/$p/pid" 2>/dev/null)" = "$$" ] && rm -rf "${WQ_PORTS_DIR:?}/$p"
	done
	return 0
}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# wq_wait_secs SECONDS: how long a wait for something to show may last: what the story
# asked, but never less than WQ_WAIT_MIN (30).  A wait ends as soon as its thing shows,
# so the floor costs nothing when it passes; what it gives is room for a loaded machine
# (2 cores under a load of 20 give a process a tenth of a core: the 5 s that many stories
# give a screen to answer a key is then too short).  No story asserts a speed with them.
wq_wait_secs() {
	local s=${1%.*} min=${WQ_WAIT_MIN:-30}
	echo $((s > min ? s : min))
}

# Waits until FILE contains PATTERN (up to SECONDS, default 20).
wq_wait_for() {
	local file=$1 pattern=$2 secs i
	secs=$(wq_wait_secs "${3:-20}")
	for ((i = 0; i < secs * 10; i++)); do
		grep -q -- "$pattern" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "--- $file:" >&2; cat "$file" >&2 || true
	fail "timed out waiting for '$pattern' in $file"
}

# wq_same_minute SECONDS: returns at once if SECONDS are left in this minute of the clock,
# else sleeps into the next minute.  Before a burst that the web's fixed one-minute
# window per source (http_guard.c) must count whole: a burst across a minute's end is
# counted in two windows and is not held back where the story expects it.
wq_same_minute() {
	local left=$((60 - $(date +%s) % 60))
	[ "$left" -ge "$1" ] || sleep "$left.2"
}

# wq_past_second T: sleeps until the clock's second T (seconds since the epoch) has fully
# passed.  The throttles stamp tries in whole seconds and hold a try stamped S with a
# delay D until S + D has passed (wq_wait_left): waiting for that second, rather than D
# seconds from some moment of the test, lets in the next try whatever the fraction of
# the second the stamp was made in.  50 ms more: time() may lag the clock by a tick.
wq_past_second() {
	local w
	w=$(awk -v t="$1" -v now="$(date +%s.%N)" 'BEGIN { w = t + 1.05 - now; printf "%.3f", (w > 0 ? w : 0) }')
	sleep "$w"
}

# Starts `watiqa sandbox` and `watiqa serve --demo` on free ports with a fresh DB.
# Sets WQ_DB, WQ_SSH_PORT, WQ_HTTP_PORT, WQ_SANDBOX_PORT, WQ_URL.
wq_start_server() {
	WQ_DB=$T/watiqa.db
	WQ_SSH_PORT=$(wq_free_port)
	WQ_HTTP_PORT=$(wq_free_port)
	WQ_SANDBOX_PORT=$(wq_free_port)
	WQ_URL=http://127.0.0.1:$WQ_HTTP_PORT
	# how serve is told where the sandbox is: its three URLs (the default), only its
	# port (WQ_GATEWAY_BY=port), or one base URL (WQ_GATEWAY_BY=base)
	case ${WQ_GATEWAY_BY:-urls} in
	urls)
		export WATIQA_GATEWAY_URL=http://127.0.0.1:$WQ_SANDBOX_PORT
		export WATIQA_SMS_URL=http://127.0.0.1:$WQ_SANDBOX_PORT/sms
		export WATIQA_POST_URL=http://127.0.0.1:$WQ_SANDBOX_PORT/post ;;
	port)
		unset WATIQA_GATEWAY_URL WATIQA_SMS_URL WATIQA_POST_URL WATIQA_GATEWAY_BASE_URL
		export WATIQA_SANDBOX_PORT=$WQ_SANDBOX_PORT ;;
	base)
		unset WATIQA_GATEWAY_URL WATIQA_SMS_URL WATIQA_POST_URL WATIQA_SANDBOX_PORT
		export WATIQA_GATEWAY_BASE_URL=http://127.0.0.1:$WQ_SANDBOX_PORT/ ;;
	esac
	export WATIQA_HOST_KEY=$T/host_key
	export WATIQA_DB=$WQ_DB
	"$WATIQA_BIN" sandbox --port "$WQ_SANDBOX_PORT" >"$T/sandbox.log" 2>&1 &
	WQ_PIDS+=($!)
	"$WATIQA_BIN" serve --demo --db "$WQ_DB" --ssh-port "$WQ_SSH_PORT" \
		--http-port "$WQ_HTTP_PORT" "$@" >"$T/serve.log" 2>&1 &
	WQ_SERVE_PID=$!
	WQ_PIDS+=($WQ_SERVE_PID)
	wq_wait_for "$T/serve.log" "ssh listening on" 60
	WQ_LISTENER_PID=''
	wq_ssh_listener >/dev/null
	wq_wait_for "$T/serve.log" "http listening on" 10
	wq_wait_for "$T/sandbox.log" "sandbox listening on" 10
	wq_demo_english
}

# wq_serve_again [SIGNAL [SERVE ARGS...]]: serve stopped with SIGNAL (TERM; KILL for a
# crash; "none" when the story has stopped it) and started again on the same database,
# ports and sandbox, its log in $T/serve2.log; returns once both sides listen.  Its
# first round sweeps at once (expiry, purges, destroyed envelopes), so a story that moved
# a date back sees the sweep without waiting for the minute's.  The environment is the
# caller's (TZ=UTC wq_serve_again TERM).
wq_serve_again() {
	local sig=${1:-TERM}
	shift || true
	[ "$sig" = none ] || kill -"$sig" "$WQ_SERVE_PID" 2>/dev/null || true
	wait "$WQ_SERVE_PID" 2>/dev/null || true
	"$WATIQA_BIN" serve --demo --db "$WQ_DB" --ssh-port "$WQ_SSH_PORT" \
		--http-port "$WQ_HTTP_PORT" "$@" >"$T/serve2.log" 2>&1 &
	WQ_SERVE_PID=$!
	WQ_PIDS+=($WQ_SERVE_PID)
	WQ_LISTENER_PID=''
	wq_wait_for "$T/serve2.log" "ssh listening on" 60
	wq_wait_for "$T/serve2.log" "http listening on" 10
}

# wq_demo_english: the demo's French and Arabic accounts (agent1, supervisor1, officer1
# in French, agent2, agent3, supervisor2 in Arabic) set to English, through the CLI, on
# $WATIQA_DB: the stories read the screens' English.  The languages have their own
# tests (ui_languages.sh, tests/screens/*_fr_*, *_ar_*).
wq_demo_english() {
	local u
	for u in agent1 agent2 supervisor1 agent3 supervisor2 officer1; do
		"$WATIQA_BIN" user lang "$u" en >/dev/null || fail "watiqa user lang $u en"
	done
}

# Runs the watiqa CLI against the test DB.
wq() { "$WATIQA_BIN" "$@"; }

# ---- a person at a terminal: ssh in a tmux pane ----
# tmux now and then fails to start its server ("server exited unexpectedly") when
# several start at once on a loaded machine: a new session is tried again
wq_tmux() {
	if [ "$1" = new-session ]; then
		local i name
		for ((i = 0; i < 3; i++)); do
			tmux -L "wq$$" "$@" 2>"$T/tmux.err" && return 0
			name=$(printf '%s\n' "$@" | sed -n '/^-s$/{n;p}')
			[ -n "$name" ] && tmux -L "wq$$" has-session -t "=$name:" 2>/dev/null && return 0
			sleep 0.3
		done
		cat "$T/tmux.err" >&2
		return 1
	fi
	# "-t s" is first read as a prefix of a window name ("ssh"), so it may reach another
	# session's pane: every target is made an exact session name, "=s:"
	local args=() prev=
	for a in "$@"; do
		if [ "$prev" = -t ] && [ "${a#=}" = "$a" ]; then a="=$a:"; fi
		args+=("$a")
		prev=$a
	done
	tmux -L "wq$$" "${args[@]}"
}
WQ_TMUX=wq_tmux
# wq_ssh NAME USER [ssh args...]: opens a pane named NAME logged in as USER (password
# typed at the prompt as a person would).
wq_ssh_open() {
	local name=$1 user=$2; shift 2
	$WQ_TMUX new-session -d -s "$name" -x "${WQ_COLS:-80}" -y "${WQ_ROWS:-24}" \
		"ssh -p $WQ_SSH_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		 -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive \
		 $* $user@127.0.0.1; sleep 5"
}
wq_type() { $WQ_TMUX send-keys -t "$1" "${@:2}"; }
wq_screen() { $WQ_TMUX capture-pane -p -t "$1"; }
# Waits until the pane shows TEXT (up to SECONDS, default 15).
wq_screen_wait() {
	local name=$1 text=$2 secs i
	secs=$(wq_wait_secs "${3:-15}")
	for ((i = 0; i < secs * 10; i++)); do
		wq_screen "$name" | grep -q -- "$text" && return 0
		sleep 0.1
	done
	echo "--- screen of $name:" >&2; wq_screen "$name" >&2 || true
	fail "screen $name never showed '$text'"
}
# wq_treasury_period PANE PERIOD: on the treasury screen, p and PERIOD typed over the
# offered one (the three treasury stories choose their period so)
wq_treasury_period() {
	wq_type "$1" p
	wq_screen_wait "$1" "Distribute which period" 5
	wq_type "$1" C-u
	wq_type "$1" -l "$2"
	wq_type "$1" Enter
}
wq_login() { # NAME USER PASSWORD
	wq_ssh_open "$1" "$2"
	wq_screen_wait "$1" "assword" 15
	wq_type "$1" "$3" Enter
}

# ---- the SSH side: processes and the audit log ----
# wq_sql SQL: one value from the test database.
wq_sql() { sqlite3 -cmd ".timeout 5000" "$WQ_DB" "$1"; }
# The SSH listener is serve's child "wq-ssh-listen" (a fresh image of the binary, shown
# as "watiqa-ssh-listener ADDR:PORT"); it forks "wq-ssh-session" processes, each of
# which forks a "wq-ui" child on a pty.
wq_ssh_listener() {
	local l
	l=$(pgrep -P "$WQ_SERVE_PID" -x wq-ssh-listen || true)
	if [ -n "$l" ]; then WQ_LISTENER_PID=$l; echo "$l"; return; fi
	# serve is gone: the listener it had, if that still runs
	[ -n "${WQ_LISTENER_PID:-}" ] && [ "$(cat /proc/$WQ_LISTENER_PID/comm 2>/dev/null)" = wq-ssh-listen ] &&
		echo "$WQ_LISTENER_PID" || true
}
# wq_ssh_children spare|sessions: pids of the listener's children that are (spare) or are
# not (sessions) the spare waiting for the next connection (wq-ssh-spare).
wq_ssh_children() {
	local l p spare
	l=$(wq_ssh_listener)
	[ -n "$l" ] || return 0
	for p in $(pgrep -P "$l" || true); do
		spare=0
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = wq-ssh-spare ] && spare=1
		if [ "$1" = spare ]; then [ "$spare" = 0 ] || echo "$p"; else [ "$spare" = 1 ] || echo "$p"; fi
	done
}
# wq_ssh_sessions: pids of the session processes, kept screens' keepers included.
wq_ssh_sessions() { wq_ssh_children sessions; }
# wq_ssh_spare: the pid of the spare waiting for the next connection, if one is there.
wq_ssh_spare() { wq_ssh_children spare; }
# wq_ssh_procs: listener + sessions + UI children of this server (not the spare): 1 when
# only the listener is left, 0 when it is gone too.
wq_ssh_procs() {
	local l s n=0
	l=$(wq_ssh_listener)
	[ -n "$l" ] || { echo 0; return; }
	n=1
	for s in $(wq_ssh_sessions); do n=$((n + 1 + $(pgrep -P "$s" | wc -l))); done
	echo "$n"
}
# wq_ssh_key_open NAME USER KEYFILE [ssh args...]: like wq_ssh_open, with a key only.
wq_ssh_key_open() {
	local name=$1 user=$2 key=$3; shift 3
	$WQ_TMUX new-session -d -s "$name" -x "${WQ_COLS:-80}" -y "${WQ_ROWS:-24}" \
		"ssh -p $WQ_SSH_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		 -o BatchMode=yes -o IdentitiesOnly=yes -o PasswordAuthentication=no -i $key \
		 $user@127.0.0.1 $*; echo \"ssh exited \$?\"; sleep 30"
}
# wq_wait_count CMD N [SECONDS]: waits until CMD prints N.
wq_wait_count() {
	local cmd=$1 want=$2 secs i got
	secs=$(wq_wait_secs "${3:-10}")
	for ((i = 0; i < secs * 10; i++)); do
		got=$($cmd)
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	fail "$cmd: $got, expected $want"
}
