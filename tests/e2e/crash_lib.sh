# crash_lib.sh - shared by tests/e2e/crash_payment.sh and bench/crash.sh: the load
# (tests/e2e/crash_driver.py), killing and restarting the server, and the checks after.
# Source after lib.sh.

# A private copy of the binary: a rebuild while we restart the server must not pull it
# from under us (the restarts run it again and again).
cp "$WATIQA_BIN" "$T/watiqa"
WATIQA_BIN=$T/watiqa

# Starts the server again on the same ports and database (after a kill -9).
crash_restart() {
	local n=$1
	"$WATIQA_BIN" serve --demo --db "$WQ_DB" --ssh-port "$WQ_SSH_PORT" \
		--http-port "$WQ_HTTP_PORT" >"$T/serve-$n.log" 2>&1 &
	WQ_SERVE_PID=$!
	WQ_PIDS+=($WQ_SERVE_PID)
	wq_wait_for "$T/serve-$n.log" "http listening on" 30
}

# The sandbox gateway keeps at most 4096 transactions (SBX_MAX_TXN): a long run starts
# a fresh one now and then (payments in flight at that moment are simply not confirmed).
crash_restart_sandbox() {
	local n=$1
	kill "$CRASH_SANDBOX_PID" 2>/dev/null || true
	wait "$CRASH_SANDBOX_PID" 2>/dev/null || true
	"$WATIQA_BIN" sandbox --port "$WQ_SANDBOX_PORT" >"$T/sandbox-$n.log" 2>&1 &
	CRASH_SANDBOX_PID=$!
	WQ_PIDS+=($CRASH_SANDBOX_PID)
	wq_wait_for "$T/sandbox-$n.log" "sandbox listening on" 10
}

# crash_run KILLS MIN_MS MAX_MS: the load runs while the server is killed with -9 KILLS
# times, at a random moment MIN_MS..MAX_MS after each start, and started again.
crash_run() {
	local kills=$1 min=$2 max=$3 i ms
	: >"$T/acks"; : >"$T/moves"
	CRASH_SANDBOX_PID=${WQ_PIDS[0]} # wq_start_server starts the sandbox first
	python3 "$WQ_ROOT/tests/e2e/crash_driver.py" "$WQ_URL" \
		"http://127.0.0.1:$WQ_SANDBOX_PORT" "$WQ_DB" "$WATIQA_BIN" "$T/acks" "$T/moves" \
		>"$T/driver.log" 2>&1 &
	CRASH_DRIVER=$!
	WQ_PIDS+=($CRASH_DRIVER)
	for ((i = 1; i <= kills; i++)); do
		ms=$((min + (RANDOM * 32768 + RANDOM) % (max - min + 1)))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -9 "$WQ_SERVE_PID"
		wait "$WQ_SERVE_PID" 2>/dev/null || true
		echo "kill $i: after ${ms} ms, $(wc -l <"$T/acks") payments and $(wc -l <"$T/moves") stages acknowledged so far"
		if ((i % 10 == 0)); then crash_restart_sandbox "$i"; fi
		crash_restart "$i"
	done
	sleep 1
	kill -TERM "$CRASH_DRIVER" 2>/dev/null || true
	wait "$CRASH_DRIVER" 2>/dev/null || true
	# the last kill lands while nothing is in flight: stop the server as a crash would
	kill -9 "$WQ_SERVE_PID"
	wait "$WQ_SERVE_PID" 2>/dev/null || true
}

# Every acknowledged payment and stage is there; the history and the DB are whole.
crash_check() {
	local acked moved lost=0 behind=0 t s
	acked=$(wc -l <"$T/acks"); moved=$(wc -l <"$T/moves")
	[ "$acked" -gt 0 ] || { cat "$T/driver.log" >&2; fail "no payment was acknowledged: no load"; }
	# one query for all: acknowledged but not paid-or-later with a confirmed payment
	python3 - "$WQ_DB" "$T/acks" "$T/moves" >"$T/verdict" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rank = {"pending_payment": 0, "expired": 0, "paid": 1, "claimed": 2, "in_production": 3,
        "ready": 4, "with_post": 5, "delivered": 6, "rejected": 9, "returned": 9}
bad = 0
for line in open(sys.argv[2]):
    _, t = line.split()
    row = db.execute("SELECT r.state, (SELECT count(*) FROM payments p WHERE p.request_id = r.id"
                     " AND p.status = 'confirmed') FROM requests r WHERE r.tracking = ?", (t,)).fetchone()
    if not row or rank[row[0]] < 1 or row[1] != 1:
        print("LOST payment of %s: %s" % (t, row)); bad += 1
for line in open(sys.argv[3]):
    s, t = line.split()
    row = db.execute("SELECT state FROM requests WHERE tracking = ?", (t,)).fetchone()
    if not row or rank[row[0]] < rank[s]:
        print("LOST stage %s of %s: now %s" % (s, t, row)); bad += 1
# no half-written history: each request's last event is its state, versions count events
for t, st, last, ver, n in db.execute(
        "SELECT r.tracking, r.state, (SELECT to_state FROM request_events e WHERE e.request_id ="
        " r.id ORDER BY id DESC LIMIT 1), r.version, (SELECT count(*) FROM request_events e"
        " WHERE e.request_id = r.id) FROM requests r WHERE r.id > 0"):
    if last != st:
        print("HALF-WRITTEN %s: state %s, last event %s" % (t, st, last)); bad += 1
# the revenue summary (db/090) commits with each payment: it must add up to them
if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'revenue_daily'").fetchone()[0]:
    a = db.execute("SELECT coalesce(sum(payments), 0), coalesce(sum(centimes), 0) FROM revenue_daily").fetchone()
    b = db.execute("SELECT count(*), coalesce(sum(amount_centimes), 0) FROM payments"
                   " WHERE confirmed_at IS NOT NULL").fetchone()
    if a != b:
        print("revenue_daily %s differs from the payments %s" % (a, b)); bad += 1
if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'fees_unsettled'").fetchone()[0]:
    a = db.execute("SELECT count(*) FROM fees_unsettled").fetchone()[0]
    b = db.execute("SELECT count(*) FROM payments p WHERE p.status = 'confirmed' AND NOT EXISTS"
                   " (SELECT 1 FROM settlement_items x WHERE x.request_id = p.request_id)").fetchone()[0]
    if a != b:
        print("fees_unsettled has %d rows, %d fees are due" % (a, b)); bad += 1
print("bad", bad)
PY
	if ! grep -q '^bad 0$' "$T/verdict"; then
		cat "$T/verdict" >&2
		fail "after the crashes: $(tail -1 "$T/verdict")"
	fi
	ok "$acked acknowledged payments all paid, $moved acknowledged stages all there, every history ends in its request's state"
	"$WATIQA_BIN" check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out" >&2; fail "watiqa check"; }
	ok "watiqa check: $(cat "$T/check.out")"
	"$WATIQA_BIN" audit verify --db "$WQ_DB" >"$T/verify.out" 2>&1 ||
		{ cat "$T/verify.out" >&2; fail "watiqa audit verify"; }
	ok "hash chains: $(cat "$T/verify.out")"
}
