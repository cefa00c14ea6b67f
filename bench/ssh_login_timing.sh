#!/usr/bin/env bash
# ssh_login_timing.sh - does the password step's time tell which account names exist, or
# which are throttled (issue 12 item 4)?  Times the password round trip alone (after key
# exchange; bench/ssh_auth_time.c, libssh) for: an unknown name on a connection's first
# try and on all its tries, a known name with a wrong password (the same two ways), a
# throttled known name, and the right password.  Each connection comes from its own loopback address, so the
# listener's per-address penalty does not interfere.  Prints medians and p90; never
# passes or fails on them (tests/test_login.c and tests/e2e/ssh_login_throttle.sh assert
# the structure).   WATIQA_BIN=build/watiqa bash bench/ssh_login_timing.sh
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../tests/e2e/lib.sh"
RUNS=${WQ_BENCH_RUNS:-15} # throttled and right-password connections
CLIENT=$T/ssh_auth_time
gcc -O2 -std=c11 -D_GNU_SOURCE -o "$CLIENT" "$HERE/ssh_auth_time.c" \
	$(pkg-config --cflags --libs libssh) || fail "cannot build bench/ssh_auth_time.c"
wq_start_server
echo "ssh_login_timing: $RUNS connections per case, $(nproc) cores; $(grep -o 'one password check costs [0-9]* ms' "$T/serve.log")"

net=10
sample() { # USER PASSWORD TRIES CASE: each try's ms to $T/CASE, the first also to CASE_first
	net=$((net + 1))
	"$CLIENT" -p "$WQ_SSH_PORT" -b "127.9.$((net / 200)).$((net % 200 + 1))" -u "$1" -P "$2" -n "$3" |
		sed -n 's/^auth_ms=//p' | tr ',' '\n' | grep . >"$T/one" || true
	cat "$T/one" >>"$T/$4"
	head -1 "$T/one" >>"$T/${4}_first"
}
stats() { sort -n "$T/$1" | awk '{ v[NR] = $1 } END {
	if (!NR) { print "n/a"; exit }
	printf "%7.1f %7.1f %4d\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.999)], NR }'; }

# an unknown name and a known one (3 wrong passwords each, before any is throttled:
# LOGIN_FAILS_FREE is 5 per account for strangers) in turn, so that neither case gets the
# colder or the warmer server
i=0
for u in agent3 supervisor1 supervisor2 inspector1 inspector2 finance1 finance2 post1 post2 \
	post3 support1 treasury1 admin1 agent2 agent1; do
	i=$((i + 1))
	sample "nobody$i" wrong-password 3 unknown
	sample "$u" wrong-password 3 known
done
# agent1: past its free tries every try is throttled
for i in $(seq 1 3); do sample agent1 wrong-password 1 warmup; done
for i in $(seq 1 "$RUNS"); do sample agent1 wrong-password 1 known_throttled; done
for i in $(seq 1 "$RUNS"); do sample agent2 watiqa-demo 1 right_password; done

printf '%-40s %7s %7s %4s\n' case median p90 n
for c in unknown_first unknown known_first known known_throttled right_password; do
	printf '%-40s %s\n' "$c (ms)" "$(stats $c)"
done
