#!/usr/bin/env bash
# e2e_run.sh - runs the end-to-end stories for `make e2e`: JOBS at a time (E2E_JOBS),
# each story's output captured to a file and printed whole when it ends, so two stories'
# lines never interleave; its wall time on its "== story (N s)" line, the ten slowest at
# the end, then the pass/fail count.  Exit status 0 only if every story passed.
# `make unit` runs the unit-test binaries through it too (a STORY not ending in .sh is
# executed itself; RUN_LABEL names the count's line).
# A story with a line "# e2e: alone" among its first lines touches something shared by
# the whole machine (a file outside its temp dir, a CPU-hungry load) and runs after the
# others, by itself.  Usage: e2e_run.sh JOBS STORY...
set -u
jobs=$1
shift
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "E2E_JOBS: expected a whole number of 1 or more, got '$jobs'" >&2; exit 2; }
out=$(mktemp -d /tmp/watiqa-e2e-run.XXXXXX)
declare -A story start # by pid
running=0 pass=0 fail=0 n=0
trap 'for p in "${!story[@]}"; do kill -- -"$p" 2>/dev/null; done; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

now() { date +%s%N; }

# Starts STORY in the background, in its own process group (so that an interrupted run
# can stop all it started), its output to $out/N.
launch() {
	n=$((n + 1))
	set -m
	local run=("$1")
	if [[ $1 == *.sh ]]; then run=(bash "$1"); fi
	( exec timeout 300 "${run[@]}" ) </dev/null >"$out/$n" 2>&1 &
	set +m
	story[$!]=$1:$n
	start[$!]=$(now)
	running=$((running + 1))
}

# Waits for one running story to end and prints it whole.
reap() {
	local pid rc t secs
	wait -n -p pid
	rc=$?
	t=${story[$pid]}
	secs=$((($(now) - ${start[$pid]}) / 100000000))
	secs=$((secs / 10)).$((secs % 10))
	unset "story[$pid]" "start[$pid]"
	running=$((running - 1))
	echo "== ${t%:*} ($secs s)"
	cat "$out/${t##*:}"
	if [ "$rc" = 0 ]; then pass=$((pass + 1)); else echo "FAILED: ${t%:*}"; fail=$((fail + 1)); fi
	echo "$secs ${t%:*}" >>"$out/times"
}

alone=()
for t in "$@"; do
	if head -n 15 "$t" | grep -q '^# e2e: alone'; then alone+=("$t"); continue; fi
	while [ "$running" -ge "$jobs" ]; do reap; done
	launch "$t"
done
while [ "$running" -gt 0 ]; do reap; done
for t in "${alone[@]}"; do launch "$t"; reap; done

if [ -s "$out/times" ]; then
	echo "slowest:"
	sort -rn "$out/times" | head -n 10 | sed 's/^/  /'
fi
echo "${RUN_LABEL:-e2e}: $pass passed, $fail failed"
[ "$fail" = 0 ]
