#!/usr/bin/env bash
# e2e: alone (binds a stand-in /dev/log, the machine's syslog socket, when there is none)
# The operator's log, as serve writes it in the foreground: one line per event with its
# priority, account, address and session id, for a refused login, a login, a stage
# change made on the staff screen (same session id as its login), a payment and a
# logout; --log-level warning keeps only refusals and errors; a wrong level is refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
unset INVOCATION_ID JOURNAL_STREAM
wq_start_server
source "$(dirname "$0")/web_lib.sh"
LOG=$T/serve.log

# a line of event EV holding TEXT; prints it
event_line() { # EV TEXT [SECONDS]
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		grep -F -- "$2" "$LOG" | grep -F "(event=$1 " | head -1 | grep . && return 0
		sleep 0.1
	done
	echo "--- $LOG:" >&2; cat "$LOG" >&2
	fail "no '$1' line with '$2'"
}
field() { sed -n "s/.*(event=.* $1=\([^ )]*\).*/\1/p" <<<"$2"; }

# a refused login
wq_ssh_open bad agent1 -o NumberOfPasswordPrompts=1
wq_screen_wait bad "assword" 15
wq_type bad "not-the-password" Enter
l=$(event_line refusal "ssh agent1@127.0.0.1: login refused (password")
case "$l" in "watiqa["*"] warning: "*) ;; *) fail "refusal not at warning: $l" ;; esac
[ "$(field account "$l")" = agent1 ] && [ "$(field addr "$l")" = 127.0.0.1 ] ||
	fail "refusal line lacks account or address: $l"
ok "refused login: $l"

# a login, then a stage change on the screen: same session id
wq_login a agent1 watiqa-demo
wq_screen_wait a "Queue" 15
l=$(event_line login "ssh agent1@127.0.0.1: login ok (password)")
case "$l" in "watiqa["*"] info: "*) ;; *) fail "login not at info: $l" ;; esac
sid=$(field session "$l")
[[ "$sid" =~ ^[0-9a-f]{8}$ ]] || fail "no session id on the login line: $l"
[ "$(field account "$l")" = agent1 ] && [ "$(field addr "$l")" = 127.0.0.1 ] ||
	fail "login line lacks account or address: $l"
ok "login: $l"
top=$(ui_cursor_tracking a)
wq_type a c
wq_screen_wait a "claimed $top" 5
l=$(event_line state "request $top: paid -> claimed by agent1")
[ "$(field session "$l")" = "$sid" ] || fail "the claim's line is not of session $sid: $l"
[ "$(field account "$l")" = agent1 ] && [ "$(field addr "$l")" = 127.0.0.1 ] ||
	fail "state line lacks account or address: $l"
ok "stage change, same session: $l"

# a payment from the web side
[ "$(web_get /)" = 200 ] || fail "order form"
[ "$(web_post_order /order)" = 200 ] || fail "order not accepted"
[ "$(web_post_order /order/confirm)" = 303 ] || fail "order not confirmed"
web_pay "$(web_location)" 4000000000000002 >/dev/null
tracking=$(web_id "$T/paid.html" tracking)
[ -n "$tracking" ] || fail "not paid"
l=$(event_line payment "confirmed: $tracking")
[ "$(field addr "$l")" = 127.0.0.1 ] || fail "payment line lacks the address: $l"
event_line state "request $tracking: pending_payment -> paid" >/dev/null
ok "payment: $l"

# logout
wq_type a q
l=$(event_line logout "ssh agent1@127.0.0.1: " 10)
[ "$(field session "$l")" = "$sid" ] || fail "logout not of session $sid: $l"
ok "logout: $l"

# --log-level warning: a login is not written, a refusal is
wq_serve_again TERM --log-level warning
LOG=$T/serve2.log
wq_ssh_open bad2 agent2 -o NumberOfPasswordPrompts=1
wq_screen_wait bad2 "assword" 15
wq_type bad2 "not-the-password" Enter
event_line refusal "ssh agent2@127.0.0.1: login refused" >/dev/null
wq_login b agent1 watiqa-demo
wq_screen_wait b "Queue" 15
sleep 0.5
grep -q "event=login" "$LOG" && fail "--log-level warning wrote a login"
ok "--log-level warning: refusals written, logins not"

set +e
"$WATIQA_BIN" serve --db "$WQ_DB" --log-level chatty 2>"$T/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q "log_level: expected error, warning, info or debug" "$T/err" ||
	fail "a wrong level: rc $rc, $(cat "$T/err")"
ok "--log-level chatty: exit 2 naming log_level"

# under systemd (INVOCATION_ID set) the events leave stderr for syslog, facility daemon:
# shown with a stand-in for /dev/log where there is none and we may make one
kill "$WQ_SERVE_PID"
wait "$WQ_SERVE_PID" 2>/dev/null || true
if [ "$(id -u)" = 0 ] && [ ! -e /dev/log ]; then
	python3 - "$T/syslog.txt" <<'PY' &
import os, signal, socket, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the finally below removes it
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(60)
with open(sys.argv[1], "a") as f:
	try:
		while True:
			f.write(s.recv(4096).decode("utf-8", "replace") + "\n")
			f.flush()
	except Exception:
		pass
	finally:
		os.unlink("/dev/log")
PY
	SYSLOG_PID=$!
	WQ_PIDS+=($SYSLOG_PID)
	for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
	LOG=$T/syslog.txt
fi
INVOCATION_ID=test "$WATIQA_BIN" serve --demo --db "$WQ_DB" --ssh-port "$WQ_SSH_PORT" \
	--http-port "$WQ_HTTP_PORT" >"$T/serve3.log" 2>&1 &
WQ_SERVE_PID=$!
WQ_PIDS+=($WQ_SERVE_PID)
wq_wait_for "$T/serve3.log" "ssh listening on" 60
wq_login c agent1 watiqa-demo
wq_screen_wait c "Queue" 15
sleep 0.5
grep -q "event=login" "$T/serve3.log" && fail "under systemd the login went to stderr"
if [ -n "${SYSLOG_PID:-}" ]; then
	l=$(event_line login "ssh agent1@127.0.0.1: login ok")
	case "$l" in "<30>"*"watiqa["*"]: ssh agent1@"*) ;; *) fail "not daemon.info in syslog: $l" ;; esac
	kill "$SYSLOG_PID" 2>/dev/null || true
	wait "$SYSLOG_PID" 2>/dev/null || true
	rm -f /dev/log # ours: there was none before
	ok "INVOCATION_ID set: the login went to syslog as daemon.info: $l"
else
	ok "INVOCATION_ID set: no event on stderr (no stand-in /dev/log here to read syslog)"
fi
