#!/usr/bin/env bash
# bench/stage_commits.sh - figures, not a test: PROCS processes committing one-row
# transactions at once into one WAL database (as SSH sessions declaring stages), with
# the fsync under SQLite's write lock (full; steps: with db_sync_busy's short waits) and
# after it (sync, db_sync.h), alternated
# ROUNDS times in one run.  Needs `make all` (links build/src/*.o).
# BENCH_PROCS (default 8), BENCH_COMMITS (200), BENCH_ROUNDS (3).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/watiqa-stage.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$ROOT"
objs=$(ls build/src/*.o build/screens/*.o | grep -v '/main\.o$')
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$T/stage_commits" bench/stage_commits.c $objs \
	$(pkg-config --libs libssh ncursesw sqlite3 libcurl libpcre2-8 libmicrohttpd libcrypt \
	  libcrypto fribidi libqrencode) -lutil -lpthread -lm
for r in $(seq "${BENCH_ROUNDS:-3}"); do
	for mode in full steps sync; do
		"$T/stage_commits" "$mode" "${BENCH_PROCS:-8}" "${BENCH_COMMITS:-200}" "$T/s.db" \
			|| echo "$mode: a process failed (above)"
	done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after the run"
