#!/usr/bin/env bash
# valgrind_sessions.sh - the SSH session process under valgrind (memcheck): `watiqa serve`
# runs under valgrind, which follows the fork of each session process and of its UI
# child; VG_SESSIONS (default 4) agents log in with a key, open their queue, move about
# and leave.  Every session and UI process must end with no memory error and nothing
# definitely lost; the report gives bytes definitely/indirectly lost and still reachable
# per process kind.  Slow (valgrind): ~1-2 min.  Run: WATIQA_BIN=build/watiqa bash
# bench/valgrind_sessions.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
N=${VG_SESSIONS:-4}
REAL=$T/watiqa-real
cp "$WATIQA_BIN" "$REAL"
# the demo database first, with the real binary (yescrypt under valgrind is slow)
WATIQA_HOST_KEY=$T/host_key "$REAL" demo --db "$T/watiqa.db" >/dev/null
cat >"$T/watiqa-vg" <<SH
#!/bin/sh
if [ "\$1" = serve ]; then
	exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --track-fds=no --num-callers=20 \
		--log-file=$T/vg.%p.log "$REAL" "\$@"
fi
exec "$REAL" "\$@"
SH
chmod +x "$T/watiqa-vg"
WATIQA_BIN=$T/watiqa-vg
wq_start_server
listener=$(pgrep -P "$WQ_SERVE_PID" -f memcheck || echo "$WQ_SERVE_PID")
ssh-keygen -q -t ed25519 -N '' -C agent1@vg -f "$T/id_agent1"
"$REAL" user key-add agent1 "$(cat "$T/id_agent1.pub")" --db "$WQ_DB" >/dev/null
for ((i = 1; i <= N; i++)); do
	wq_ssh_key_open "s$i" agent1 "$T/id_agent1" -t
	wq_screen_wait "s$i" "Queue" 90
	for k in Down Down Up '?' Escape Down; do wq_type "s$i" "$k"; sleep 0.3; done
	wq_type "s$i" q
	wq_screen_wait "s$i" "ssh exited 0" 60
	ok "session $i: logged in, moved, left"
done
sleep 3
kill "$WQ_SERVE_PID"; wait "$WQ_SERVE_PID" 2>/dev/null || true
sleep 2
# one log per process: main, the SSH listener, and per session its session process and
# UI child, told apart by their parent's pid
bad=0; n=0
declare -A parent
for f in "$T"/vg.*.log; do
	pid=${f##*/vg.}; pid=${pid%.log}
	parent[$pid]=$(grep -o 'Parent PID: [0-9]*' "$f" | grep -o '[0-9]*$' || true)
done
for f in "$T"/vg.*.log; do
	pid=${f##*/vg.}; pid=${pid%.log}
	pp=${parent[$pid]}
	if [ "$pid" = "$WQ_SERVE_PID" ]; then kind=main
	elif [ "$pp" = "$WQ_SERVE_PID" ]; then kind=listener
	elif [ -n "${parent[$pp]:-}" ] && [ "${parent[$pp]}" = "$WQ_SERVE_PID" ]; then kind=session
	else kind="UI child"; fi
	errs=$(grep -o 'ERROR SUMMARY: [0-9,]*' "$f" | tail -1 | grep -o '[0-9,]*$' | tr -d , || true)
	def=$(grep -o 'definitely lost: [0-9,]* bytes' "$f" | tail -1 | grep -o '[0-9,]* bytes' | tr -d ', bytes' || true)
	reach=$(grep -o 'still reachable: [0-9,]* bytes' "$f" | tail -1 | grep -o '[0-9,]* bytes' | tr -d ', bytes' || true)
	[ -n "$errs" ] || { echo "pid $pid ($kind): no report (killed)"; continue; }
	n=$((n + 1))
	echo "pid $pid ($kind): errors $errs, definitely lost ${def:-0} B, still reachable ${reach:-0} B"
	if [ "$errs" != 0 ] || [ "${def:-0}" != 0 ]; then
		bad=$((bad + 1))
		grep -A12 'Invalid\|uninitialised\|definitely lost in' "$f" | head -40
	fi
done
[ "$n" -ge $((2 * N)) ] || fail "only $n valgrind reports for $N sessions"
[ "$bad" = 0 ] || fail "$bad of $n processes had memory errors or definite leaks"
ok "$n processes under valgrind ($N sessions): no memory error, nothing definitely lost"
