#!/usr/bin/env bash
# run_db.sh - builds (once) a generated database of BENCH_REQUESTS requests and prints the
# query timings of bench/db on it.  `make bench` runs it with the default (100,000, a few
# seconds); the kingdom is BENCH_REQUESTS=10000000 BENCH_DB=/work/bigdb/kingdom.db (a few GB,
# ~15 minutes to build; never under the repository).  Prints figures; never fails on a time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
WATIQA_BIN=${WATIQA_BIN:-$ROOT/watiqa}
N=${BENCH_REQUESTS:-100000}
DB=${BENCH_DB:-/tmp/watiqa-bench-$N.db}
RUNS=${BENCH_RUNS:-50}
cd "$ROOT"
[ -x "$BUILD/bench/gen" ] && [ -x "$BUILD/bench/db" ] || make -s bench-bins
if [ ! -s "$DB" ]; then
	echo "generating $N requests into $DB"
	rm -f "$DB" "$DB-wal" "$DB-shm"
	WATIQA_SHARE=$ROOT "$WATIQA_BIN" migrate --db "$DB" >/dev/null
	"$BUILD/bench/gen" --db "$DB" --requests "$N" 2>&1 | grep -v '^gen: rebuilt' || exit 1
fi
# later migrations (indexes of db/090_*) reach an older generated database too
WATIQA_SHARE=$ROOT "$WATIQA_BIN" migrate --db "$DB"
echo "bench/db --db $DB --runs $RUNS   (times in ms)"
"$BUILD/bench/db" --db "$DB" --runs "$RUNS" "$@"
