#!/usr/bin/env bash
# bench/valgrind_session.sh - the SSH session path under valgrind (memcheck), not a test
# (slow: not in `make test`).  Runs `watiqa serve --demo` under valgrind, which follows
# the forked listener, each session process and each UI child, logs in and out N times
# with bench/ssh_client.c (password login, first screen, one row move, `q`), stops the
# server, and prints per process kind: definitely/indirectly/possibly lost, still
# reachable, memory errors.  Exit status 1 if any session or UI process lost memory
# definitely or had a memory error, or if what the long-lived listener holds at exit
# grows with the number of sessions (it is run twice: 1 session, then N).
#   WATIQA_BIN=build/watiqa bash bench/valgrind_session.sh   (VG_SESSIONS, default 6)
# Library noise is suppressed by bench/valgrind.supp.  Loopback only.
HERE=$(cd "$(dirname "$0")" && pwd)
REAL_BIN=${WATIQA_BIN:-$HERE/../watiqa}
REAL_BIN=$(cd "$(dirname "$REAL_BIN")" && pwd)/$(basename "$REAL_BIN")
source "$HERE/../tests/e2e/lib.sh"
N=${VG_SESSIONS:-6}
command -v valgrind >/dev/null || {
	SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind
}
CLIENT=$T/ssh_client
gcc -O2 -std=c11 -D_GNU_SOURCE -o "$CLIENT" "$HERE/ssh_client.c" \
	$(pkg-config --cflags --libs libssh) || fail "cannot build bench/ssh_client.c"

# `watiqa serve` under valgrind; every other subcommand (the sandbox) as it is
cat >"$T/vg-watiqa" <<EOF
#!/bin/sh
[ "\$1" = serve ] || exec "$REAL_BIN" "\$@"
exec valgrind --trace-children=yes --child-silent-after-fork=no --leak-check=full \
	--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite \
	--num-callers=24 --suppressions="$HERE/valgrind.supp" \
	--log-file="\$WQ_VG_DIR/vg.%p.log" "$REAL_BIN" "\$@"
EOF
chmod +x "$T/vg-watiqa"
WATIQA_BIN=$REAL_BIN
export WATIQA_IDLE_TIMEOUT=600

# bytes from a valgrind log's LEAK SUMMARY line ("definitely lost: 1,234 bytes ...")
vg_bytes() { sed -n "s/.*$2: \([0-9,]*\) bytes.*/\1/p" "$1" | tail -1 | tr -d , | sed 's/^$/0/'; }
vg_errors() { sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$1" | tail -1 | tr -d ,; }

# run_round SESSIONS: one server under valgrind, SESSIONS logins and logouts one after
# the other; sets LISTENER_REACHABLE and appends "kind pid def ind pos reach errs" rows
# to $T/rows.
run_round() {
	local n=$1 i out
	export WQ_VG_DIR=$T/vg.$n
	mkdir -p "$WQ_VG_DIR"
	wq_start_server
	local listener
	listener=$(wq_ssh_listener)
	for ((i = 1; i <= n; i++)); do
		out=$("$CLIENT" -p "$WQ_SSH_PORT" -u agent1 -P watiqa-demo -q 1500 -w 120 \
			-a 'down=\eOB' -a 'quit=q' 2>&1)
		echo "$out" | grep -q "first_screen_bytes=[1-9]" || fail "login $i: $out"
		echo "  round $n, session $i: $(echo "$out" | grep -o 'login_ms=[0-9.]*')"
	done
	# every session and UI child gone (their valgrind logs complete; the spare waits for
	# the next connection), then stop serve
	for ((i = 0; i < 600; i++)); do [ -z "$(wq_ssh_sessions)" ] && break; sleep 0.1; done
	kill "$WQ_SERVE_PID"
	for ((i = 0; i < 600; i++)); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
	for p in "${WQ_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 1
	local f pid ppid kind
	declare -A parent
	for f in "$WQ_VG_DIR"/vg.*.log; do
		pid=${f##*/vg.}; pid=${pid%.log}
		parent[$pid]=$(sed -n 's/.*Parent PID: \([0-9]*\).*/\1/p' "$f" | head -1)
	done
	for f in "$WQ_VG_DIR"/vg.*.log; do
		pid=${f##*/vg.}; pid=${pid%.log}
		ppid=${parent[$pid]}
		if [ "$pid" = "$WQ_SERVE_PID" ]; then kind=serve
		elif [ "$pid" = "$listener" ]; then kind=listener
		elif [ "$ppid" = "$listener" ]; then kind=session
		elif [ -n "$ppid" ] && [ "${parent[$ppid]:-}" = "$listener" ]; then kind=ui
		else kind=other; fi
		grep -q "LEAK SUMMARY\|All heap blocks were freed" "$f" || kind="$kind(no-summary)"
		echo "$n $kind $pid $(vg_bytes "$f" 'definitely lost') $(vg_bytes "$f" 'indirectly lost')" \
			"$(vg_bytes "$f" 'possibly lost') $(vg_bytes "$f" 'still reachable')" \
			"$(vg_errors "$f")" >>"$T/rows"
	done
	mv "$T/serve.log" "$T/serve.$n.log"
	WQ_PIDS=()
}

# the database and demo data first, without valgrind, so that both rounds start a
# server in the same state (the listener is forked from it and inherits its heap)
wq_start_server
kill "$WQ_SERVE_PID"
wait "$WQ_SERVE_PID" 2>/dev/null || true
for p in "${WQ_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
WQ_PIDS=()
mv "$T/serve.log" "$T/serve.0.log"
WATIQA_BIN=$T/vg-watiqa

: >"$T/rows"
t0=$(date +%s)
echo "valgrind_session: 1 then $N sessions of agent1 under valgrind ($(valgrind --version))"
run_round 1
run_round "$N"
echo "valgrind_session: $(($(date +%s) - t0)) s"
echo
printf "%-6s %-10s %6s %10s %10s %10s %12s %6s\n" round kind procs definite indirect possible \
	reachable errors
awk '{ k = $1 " " $2; n[k]++; d[k] += $4; i[k] += $5; p[k] += $6; r[k] += $7; e[k] += $8
	if (!(k in first)) { first[k] = NR; keys[++nk] = k } }
	END { for (j = 1; j <= nk; j++) { k = keys[j]; split(k, a, " ")
		printf "%-6s %-10s %6d %10d %10d %10d %12d %6d\n", a[1], a[2], n[k], d[k], i[k],
			p[k], r[k] / n[k], e[k] } }' "$T/rows"
echo "(reachable: average per process, bytes; the rest: totals over the processes)"

status=0
bad=$(awk '($2 == "session" || $2 == "ui") && ($4 > 0 || $8 > 0)' "$T/rows")
[ -z "$bad" ] || { echo "LEAK or ERROR in a session/UI process:"; echo "$bad"; status=1; }
nosum=$(grep -c "no-summary" "$T/rows" || true)
[ "$nosum" = 0 ] || { echo "$nosum process(es) without a leak summary"; status=1; }
nsess=$(awk -v n="$N" '$1 == n && $2 == "session"' "$T/rows" | wc -l)
[ "$nsess" = "$N" ] || { echo "expected $N session logs, found $nsess"; status=1; }
l1=$(awk '$1 == 1 && $2 == "listener" { print $4 + $5 + $7 }' "$T/rows")
lN=$(awk -v n="$N" '$1 == n && $2 == "listener" { print $4 + $5 + $7 }' "$T/rows")
echo "listener at exit (lost + reachable): ${l1:-?} B after 1 session, ${lN:-?} B after $N"
[ -n "$l1" ] && [ "$l1" = "$lN" ] || { echo "the listener's heap grows with sessions"; status=1; }
if [ "$status" = 0 ]; then
	echo "no session or UI process lost a byte definitely; the listener holds the same after $N sessions as after 1"
fi
[ "${WQ_KEEP:-0}" = 1 ] && echo "logs in $T/vg.*"
exit "$status"
