# crash_lib.sh - shared by tests/e2e/crash_payment.sh and bench/crash.sh: the load
# (tests/e2e/crash_driver.py), killing and restarting the server, and the checks after:
# nothing acknowledged is lost, and every refund the cancellations owed is made by the
# gateway exactly once.  Source after lib.sh.

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
	# what it refunded, for crash_check (its memory goes with it)
	curl -s "http://127.0.0.1:$WQ_SANDBOX_PORT/sandbox/refunds" >"$T/refunds-old-$n.log" || true
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
	: >"$T/acks"; : >"$T/moves"; : >"$T/cancels"
	CRASH_SANDBOX_PID=${WQ_PIDS[0]} # wq_start_server starts the sandbox first
	python3 "$WQ_ROOT/tests/e2e/crash_driver.py" "$WQ_URL" \
		"http://127.0.0.1:$WQ_SANDBOX_PORT" "$WQ_DB" "$WATIQA_BIN" "$T/acks" "$T/moves" \
		"$T/cancels" >"$T/driver.log" 2>&1 &
	CRASH_DRIVER=$!
	WQ_PIDS+=($CRASH_DRIVER)
	for ((i = 1; i <= kills; i++)); do
		ms=$((min + (RANDOM * 32768 + RANDOM) % (max - min + 1)))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -9 "$WQ_SERVE_PID"
		wait "$WQ_SERVE_PID" 2>/dev/null || true
		echo "kill $i: after ${ms} ms, $(wc -l <"$T/acks") payments, $(wc -l <"$T/moves") stages and $(wc -l <"$T/cancels") cancellations acknowledged so far; $(sqlite3 -cmd ".timeout 5000" "$WQ_DB" "SELECT count(*) FROM refunds WHERE state = 'refund_sent'") refunds were in flight"
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

# After the last kill: the server once more, without load, until no refund is left to
# send (a refund whose first call times out costs PAYMENT_REFUND_TIMEOUT_MS), then
# stopped as a crash would.  How many refunds the run left depends on how fast the
# machine took the load (an idle machine acknowledged 633 cancellations, 120 s did not
# drain them): it waits while the count goes down, until none is left, or 60 s without
# progress (retries back off 2, 4, 8... s), or CRASH_DRAIN_SECONDS (600) in all.
crash_drain_refunds() {
	local i left last=-1 still=0
	crash_restart drain
	for ((i = 0; i < ${CRASH_DRAIN_SECONDS:-600}; i++)); do
		left=$(sqlite3 -cmd ".timeout 5000" "$WQ_DB" \
			"SELECT count(*) FROM refunds WHERE state IN ('refund_owed', 'refund_sent')")
		[ "$left" = 0 ] && break
		if [ "$left" = "$last" ]; then
			still=$((still + 1))
			[ $still -ge 60 ] && break
		else
			still=0 last=$left
		fi
		sleep 1
	done
	kill -9 "$WQ_SERVE_PID"
	wait "$WQ_SERVE_PID" 2>/dev/null || true
	curl -s "http://127.0.0.1:$WQ_SANDBOX_PORT/sandbox/refunds" >"$T/refunds-now.log"
	echo "drained the refunds in ${i} s"
}

# Every acknowledged payment and stage is there; the history and the DB are whole.
crash_check() {
	local acked moved lost=0 behind=0 t s
	crash_drain_refunds
	acked=$(wc -l <"$T/acks"); moved=$(wc -l <"$T/moves")
	[ "$acked" -gt 0 ] || { cat "$T/driver.log" >&2; fail "no payment was acknowledged: no load"; }
	# one query for all: acknowledged but not paid-or-later with a confirmed payment
	python3 - "$WQ_DB" "$T/acks" "$T/moves" "$T" >"$T/verdict" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rank = {"pending_payment": 0, "expired": 0, "paid": 1, "claimed": 2, "in_production": 3,
        "awaiting_signature": 3, "signed": 3,
        "ready": 4, "with_post": 5, "delivered": 6, "rejected": 9, "returned": 9,
        "cancelled": 9}
bad = 0
for line in open(sys.argv[2]):
    _, t = line.split()
    row = db.execute("SELECT r.state, (SELECT count(*) FROM payments p WHERE p.request_id = r.id"
                     " AND p.status IN ('confirmed', 'refund_owed', 'refunded')) FROM requests r"
                     " WHERE r.tracking = ?", (t,)).fetchone()
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
# the treasury's running totals (db/250) commit with each payment, stage and refund
if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'treasury_due'").fetchone()[0]:
    a = db.execute("SELECT coalesce(sum(earned), 0), coalesce(sum(earned_centimes), 0),"
                   " coalesce(sum(waiting), 0), coalesce(sum(waiting_centimes), 0)"
                   " FROM treasury_due").fetchone()
    b = db.execute("SELECT coalesce(sum(earned), 0), coalesce(sum(earned * centimes), 0),"
                   " coalesce(sum(1 - earned), 0), coalesce(sum((1 - earned) * centimes), 0)"
                   " FROM treasury_fees").fetchone()
    if a != b:
        print("treasury_due %s differs from the payments %s" % (a, b)); bad += 1
    print("treasury: running totals equal the payments: %d earned, %d still in the offices"
          % (a[0], a[2]))
# Refunds: every acknowledged cancellation is refunded by the gateway exactly once (or
# refused, for the card that refuses), none lost in flight, none made twice.
import glob
def gateway_log(path):
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) == 5:
            rows.append({"key": f[0], "txn": f[1], "amount": int(f[2]), "id": f[3], "calls": int(f[4])})
    return rows
now = gateway_log(sys.argv[4] + "/refunds-now.log")
old = [r for p in sorted(glob.glob(sys.argv[4] + "/refunds-old-*.log")) for r in gateway_log(p)]
# a payment of two documents is refunded line by line, each with its own key: a key made
# twice, or refunds of a payment beyond what it took, are doubles
per_key, per_txn = {}, {}
for r in old + now:
    per_key.setdefault(r["key"], set()).add(r["id"])
    per_txn.setdefault(r["txn"], {})[r["key"]] = r["amount"]
for key, made in per_key.items():
    if len(made) > 1:
        print("DOUBLE refund of key %s: %s" % (key, sorted(made))); bad += 1
paid = dict(db.execute("SELECT gateway_ref, amount_centimes FROM payments"))
for txn, keys in per_txn.items():
    if txn in paid and sum(keys.values()) > paid[txn]:
        print("DOUBLE refund of payment %s: %s for %d paid" % (txn, keys, paid[txn])); bad += 1
made_now = {r["key"]: r for r in now}
made_old = {r["key"]: r for r in old}
refunds = {k: (st, ref, err, amount, txn) for k, st, ref, err, amount, txn in db.execute(
    "SELECT f.idem_key, f.state, f.gateway_ref, f.last_error, f.amount_centimes, p.gateway_ref"
    " FROM refunds f JOIN payments p ON p.id = f.payment_id")}
cancelled = excused = lined = 0
for line in open(sys.argv[4] + "/cancels"):
    t, card = line.split()
    cancelled += 1
    rows = db.execute("SELECT r.state, f.idem_key, f.state, f.last_error, r.id FROM requests r"
                      " LEFT JOIN refunds f ON f.request_id = r.id WHERE r.tracking = ?",
                      (t,)).fetchall()
    if not rows or rows[0][0] != "cancelled" or rows[0][1] is None:
        print("LOST cancellation of %s: %s" % (t, rows)); bad += 1
        continue
    # every document's refund, and (db/211) all of them together cover the payment
    nlines, owed, took = db.execute(
        "SELECT (SELECT count(*) FROM request_lines l WHERE l.request_id = r.id),"
        " (SELECT sum(f.amount_centimes) FROM refunds f JOIN payments p ON p.id = f.payment_id"
        " WHERE f.request_id = r.id AND p.status <> 'confirmed'), (SELECT sum(p.amount_centimes)"
        " FROM payments p WHERE p.request_id = r.id AND p.status <> 'confirmed')"
        " FROM requests r WHERE r.id = ?", (rows[0][4],)).fetchone()
    lined += nlines > 1
    if owed != took:
        print("refunds of %s owe %s of the %s paid" % (t, owed, took)); bad += 1
    settled = True
    for _, key, st, err, _ in rows:
        if card == "4000000000000036":
            if st != "refund_failed":
                print("refund %s (card refusing refunds) is %s" % (key, st)); bad += 1
        elif st == "refund_failed" and "unknown_txn" in err and key not in made_now:
            excused += 1  # paid at a sandbox since restarted (bench/crash.sh): it cannot refund it
        elif st != "refunded":
            print("refund %s never made: %s %s" % (key, st, err)); bad += 1
        settled &= st in ("refunded", "refund_failed")
    # one event, one message (db/280): the citizen hears of the refund once per channel,
    # whatever the documents and the crashes
    told = db.execute("SELECT count(*) FROM outbox WHERE request_id = ? AND channel = 'sms'"
                      " AND body LIKE '%rembours%' AND body NOT LIKE '%seront rembours%'",
                      (rows[0][4],)).fetchone()[0]
    if settled and told != 1:
        print("%s (%d documents) told of its refund %d times" % (t, nlines, told)); bad += 1
for key, (st, ref, err, amount, txn) in refunds.items():
    g = made_now.get(key) or made_old.get(key)
    if st == "refunded" and not ref.startswith("RFDDEMO"):
        if not g or g["id"] != ref or g["amount"] != amount or g["txn"] != txn:
            print("refund %s recorded as %s, the gateway made %s" % (key, ref, g)); bad += 1
    if st in ("refund_owed", "refund_sent"):
        print("refund %s still %s after the drain (%s)" % (key, st, err)); bad += 1
for key in made_now:
    if key not in refunds or refunds[key][0] != "refunded":
        print("the gateway refunded %s, the database says %s" % (key, refunds.get(key))); bad += 1
print("refunds: %d cancellations (%d of two documents), %d refunds made by the gateway, %d retried calls%s" % (
    cancelled, lined, len(made_now) + len(made_old), sum(r["calls"] - 1 for r in now + old),
    ", %d refused as unknown by a restarted sandbox" % excused if excused else ""))
print("bad", bad)
PY
	if ! grep -q '^bad 0$' "$T/verdict"; then
		cat "$T/verdict" >&2
		fail "after the crashes: $(tail -1 "$T/verdict")"
	fi
	ok "$acked acknowledged payments all paid, $moved acknowledged stages all there, every history ends in its request's state"
	ok "$(grep '^refunds:' "$T/verdict"): none lost, none doubled"
	if grep -q '^treasury:' "$T/verdict"; then ok "$(grep '^treasury:' "$T/verdict")"; fi
	"$WATIQA_BIN" check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out" >&2; fail "watiqa check"; }
	ok "watiqa check: $(cat "$T/check.out")"
	"$WATIQA_BIN" audit verify --db "$WQ_DB" >"$T/verify.out" 2>&1 ||
		{ cat "$T/verify.out" >&2; fail "watiqa audit verify"; }
	ok "hash chains: $(cat "$T/verify.out")"
}
