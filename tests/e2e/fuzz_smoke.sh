#!/usr/bin/env bash
# fuzz_smoke.sh - the short fuzzing run of `make test`: builds the libFuzzer harnesses of
# tests/fuzz/ with clang (ASan + UBSan) and runs each for FUZZ_SMOKE_SECONDS (default 5)
# from its corpus, writing what it finds to a temp dir (the corpus in git is left alone).
# Any crash, leak, UB or timeout fails the test and names the input.  `make fuzz` is the
# long run.  Skipped (passes with a note) when clang is not installed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECS=${FUZZ_SMOKE_SECONDS:-5}
cd "$ROOT"
if ! command -v clang >/dev/null; then
	echo "ok - skipped: clang not installed (apt-get install clang)"
	exit 0
fi
make -s fuzz-bins >/dev/null
T=$(mktemp -d /tmp/watiqa-fuzz.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
for src in tests/fuzz/fuzz_*.c; do
	n=$(basename "$src" .c); n=${n#fuzz_}
	mkdir -p "$T/$n"
	if WATIQA_SHARE=$ROOT build/fuzz/fuzz_$n -max_total_time="$SECS" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$T/crash-$n-" "$T/$n" "tests/fuzz/$n" \
		>"$T/$n.log" 2>&1; then
		echo "ok - fuzz_$n: $(grep -o 'Done [0-9]* runs' "$T/$n.log" || echo ran) in ${SECS} s"
	else
		echo "FAIL: fuzz_$n" >&2
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$T/$n.log" | head -5 >&2
		for a in "$T"/crash-$n-*; do [ -e "$a" ] && cp "$a" "$ROOT/build/fuzz/" && \
			echo "input kept in build/fuzz/$(basename "$a")" >&2; done
		fail=1
	fi
done
exit $fail
