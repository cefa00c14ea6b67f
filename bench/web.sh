#!/usr/bin/env bash
# bench/web.sh - figures, not a test: requests/s and p99 latency of the citizen web
# side under wrk on loopback, for the tracking page (POST /track, a read with the
# history) and for order submission (POST /order/confirm: validation, fee, a request
# created in one fsync'd transaction, 303 to the gateway), each beside nginx serving a
# static page of the same size in the same run, printed as a ratio.
# Installs wrk, nginx-light and tcpdump if missing; as root, the order run is also timed
# on the wire (a tcpdump capture on lo, bench/wire_latency.py), beside wrk's own figures.
# BENCH_SECONDS (default 10), BENCH_CONN (32);
# BENCH_ONLY=track: nginx and the tracking page only (no orders, no SQLite commits);
# BENCH_ONLY=order: the orders and the disk's floor only (no nginx, no tracking page).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export WATIQA_BIN=${WATIQA_BIN:-$ROOT/watiqa}
SECS=${BENCH_SECONDS:-10}
CONN=${BENCH_CONN:-32}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
missing=""
command -v wrk >/dev/null || missing="$missing wrk"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
command -v tcpdump >/dev/null || [ -x /usr/bin/tcpdump ] || missing="$missing tcpdump"
if [ -n "$missing" ]; then
	echo "installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

export WATIQA_HTTP_RATE=0 # the limiter would refuse a benchmark from one address
# every order of the run has one phone number: the cap on its open unpaid orders (3)
# would refuse all but the first
export WATIQA_UNPAID_ORDERS_PER_PHONE=0
source "$ROOT/tests/e2e/lib.sh"
wq_start_server
source "$ROOT/tests/e2e/web_lib.sh"

# one paid request to track
web_get / >/dev/null
[ "$(web_post_order /order/confirm)" = 303 ] || fail "order"
web_pay "$(web_location)" 4000000000000002 >/dev/null
tracking=$(web_id "$T/paid.html" tracking)
secret=$(web_id "$T/paid.html" secret)
wq request move "$tracking" claimed --as agent1 --db "$WQ_DB" >/dev/null
web_track "$tracking" "$secret" >/dev/null
track_bytes=$(wc -c <"$T/track.html")

# the order body, with a token and its cookie
web_get / >/dev/null
nonce=$(awk '$6 == "wq_csrf" {print $7}' "$WEB_JAR" | tail -1)
token=$(web_token "$T/page.html")
order_body=$(python3 - "$token" <<'PY'
import sys, urllib.parse
f = dict(lang="fr", doc_type="extract", copies="1", commune="1", record_number="1234",
         record_year="1990", last_name_ar="العلوي", first_name_ar="محمد", last_name_lat="Alaoui",
         first_name_lat="Mohamed", birth_date="1990-05-17", address="12 rue des Fleurs, Agdal",
         postal_code="10080", city="Rabat", phone="0612345678", csrf=sys.argv[1])
print(urllib.parse.urlencode(f), end="")
PY
)
printf '%s' "$order_body" >"$T/order.body"
printf 'lang=fr&tracking=%s&secret=%s' "$tracking" "$secret" >"$T/track.body"
st=$(curl -s -o /dev/null -w '%{http_code}' -b "wq_csrf=$nonce" --data-binary @"$T/order.body" "$WQ_URL/order/confirm")
[ "$st" = 303 ] || fail "order body answers $st"

post_lua() { # FILE COOKIE -> lua script
	cat <<LUA
wrk.method = "POST"
local f = io.open("$1", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$2"
LUA
}
post_lua "$T/track.body" "" >"$T/track.lua"
post_lua "$T/order.body" "wq_csrf=$nonce" >"$T/order.lua"
# the order's tail beyond wrk's four percentiles: one stall decides a p99
cat >>"$T/order.lua" <<'LUA'
function done(summary, latency, requests)
	io.write(string.format("order latency p99.9 %.2f ms, max %.2f ms\n",
		latency:percentile(99.9) / 1000, latency.max / 1000))
end
LUA

ONLY=${BENCH_ONLY:-}
if [ "$ONLY" != order ]; then
# nginx with a static page of the tracking page's size
mkdir -p "$T/www"
head -c "$track_bytes" "$T/track.html" >"$T/www/page.html"
NPORT=$(wq_free_port)
# As root, nginx's workers would run as nobody, who cannot enter $T (0700): every request
# was answered 403 and logged, 100 MB of error log a run (bench/README section 34); they
# run as the bench's user instead.
cat >"$T/nginx.conf" <<CONF
daemon off;
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes $(nproc);
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $T/nb; proxy_temp_path $T/np; fastcgi_temp_path $T/nf;
	uwsgi_temp_path $T/nu; scgi_temp_path $T/ns;
	server { listen 127.0.0.1:$NPORT; root $T/www; default_type text/html; }
}
CONF
"$NGINX" -c "$T/nginx.conf" -p "$T" &
WQ_PIDS+=($!)
for i in $(seq 50); do curl -sf "http://127.0.0.1:$NPORT/page.html" >/dev/null && break; sleep 0.1; done
cmp -s <(curl -sf "http://127.0.0.1:$NPORT/page.html") "$T/www/page.html" ||
	{ echo "nginx does not serve the page: $(tail -1 "$T/nginx.err" 2>/dev/null)" >&2; exit 1; }
fi

# wrk -> "rps p99_ms errors"
run_wrk() {
	local out
	out=$(wrk -t2 -c"$CONN" -d"${SECS}s" --latency "$@")
	echo "$out" >>"$T/wrk.log"
	local rps p99 errs
	rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}')
	errs=$(echo "$out" | awk '/Non-2xx or 3xx/ {print $5}')
	echo "$rps ${p99:-?} ${errs:-0}"
}

echo "web bench: $(nproc) cores, wrk -t2 -c$CONN -d${SECS}s, http_threads ${WATIQA_HTTP_THREADS:-$(grep -E '^http_threads' "$ROOT/etc/watiqa.conf" | awk '{print $3}')}, pages ${track_bytes} B"
n_rps=0 n_p99=0 t_rps=0 t_p99=0 t_err=- t_cpu=- t_pct=""
n_err=0
[ "$ONLY" = order ] || read -r n_rps n_p99 n_err < <(run_wrk "http://127.0.0.1:$NPORT/page.html")
[ "$n_err" = 0 ] || { echo "nginx answered $n_err requests with an error: no reference" >&2; exit 1; }
# BENCH_PERF=track|order: that run under `perf record` of the server (the report, each
# symbol's share with its callees, in $BENCH_PERF_OUT, default /tmp/watiqa-perf-NAME.txt)
perf_start() {
	[ "${BENCH_PERF:-}" = "$1" ] || return 0
	# DWARF call graphs: the build has no frame pointers, -g alone loses the callers
	perf record -F 499 --call-graph dwarf,16384 -o "$T/perf.data" -p "$WQ_SERVE_PID" \
		2>"$T/perf.log" &
	PERF_PID=$!
	sleep 0.5
}
perf_stop() {
	[ "${BENCH_PERF:-}" = "$1" ] || return 0
	kill -INT "$PERF_PID"; wait "$PERF_PID" || true
	# inclusive: each function with what it calls (track_show, request_history, fcntl)
	perf report -i "$T/perf.data" --children --sort symbol --percent-limit 2 --stdio \
		-g none 2>/dev/null | grep -v '^$' >"${BENCH_PERF_OUT:-/tmp/watiqa-perf-$1.txt}"
	cp "$T/perf.data" "${BENCH_PERF_OUT:-/tmp/watiqa-perf-$1.txt}.data"
}
# the server's CPU time over a run, per request answered: less noisy than a rate on a
# machine whose other tenants take the cores (utime + stime of serve, in clock ticks)
server_ticks() { awk '{print $14 + $15}' "/proc/$WQ_SERVE_PID/stat"; }
cpu_per_request() { # TICKS_BEFORE -> microseconds per request of the last wrk run
	local n
	n=$(awk '/ requests in / {print $1}' "$T/wrk.log" | tail -1)
	awk -v a="$1" -v b="$(server_ticks)" -v n="$n" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f", (b - a) * 1e6 / hz / n }'
}
# BENCH_SCHED=1: where the server's workers wait during the tracking run (bench/README
# section 30): 3 s in, the descriptors in each libmicrohttpd worker's epoll (its
# connections, its wake-up fd and the shared listening socket) and 3 s of perf sched
# (sched_switch and sched_wakeup with call graphs); after the run, each worker's time
# off the core summed by why it left it
sched_start() {
	[ -n "${BENCH_SCHED:-}" ] || return 0
	(
		sleep 3
		for fd in /proc/"$WQ_SERVE_PID"/fd/*; do
			if [ "$(readlink "$fd")" = "anon_inode:[eventpoll]" ]; then
				grep -c '^tfd:' "/proc/$WQ_SERVE_PID/fdinfo/${fd##*/}" || true
			fi
		done | paste -sd' ' >"$T/epoll.fds"
		timeout -s INT 3 perf record -e sched:sched_switch -e sched:sched_wakeup \
			--call-graph dwarf,4096 -o "$T/sched.data" -p "$WQ_SERVE_PID" >/dev/null 2>&1 || true
	) &
	SCHED_PID=$!
}
sched_report() {
	[ -n "${BENCH_SCHED:-}" ] || return 0
	wait "$SCHED_PID" || true
	echo "descriptors in each worker's epoll: $(cat "$T/epoll.fds")"
	# a line per time a worker left the core: its wait before that run is on the line
	# after, for the reason on this one (asleep in epoll_wait, on a futex, or preempted)
	perf sched timehist -i "$T/sched.data" 2>/dev/null | awk '
		$3 ~ /MHD-worker/ {
			if ($3 in why) { k = why[$3]; w = $4 + $5; n[k]++; sum[k] += w
				if (w > 3) long[k]++; if (w > max[k]) max[k] = w }
			why[$3] = /futex/ ? "futex" : /epoll_wait/ ? "epoll" : "preempted"
		}
		END { for (k in n) printf "workers off the core, %s: %d times, %.0f ms, %d over 3 ms, max %.1f ms\n",
			k, n[k], sum[k], long[k], max[k] }' || true
	# preempted while SQLite held its shared-memory mutex: leaving an fcntl() of unixShmLock
	perf script -i "$T/sched.data" -F comm,ip,sym 2>/dev/null | awk '
		/^MHD-worker/ { ev = 1; stack = ""; next }
		ev && NF == 0 { if (stack ~ /exit_to_user_mode_loop.* __GI___libc_fcntl64 .*sqlite3Wal/) f++
			ev = 0; next }
		ev { stack = stack " " $2 }
		END { printf "workers preempted leaving an fcntl() of a WAL read lock: %d\n", f }' || true
}
if [ "$ONLY" != order ]; then
perf_start track
sched_start
ticks=$(server_ticks)
read -r t_rps t_p99 t_err < <(run_wrk -s "$T/track.lua" "$WQ_URL/track")
t_cpu=$(cpu_per_request "$ticks")
# the page's own spread (p99 over p50 does not move with nginx's run)
t_pct=$(grep -A4 'Latency Distribution' "$T/wrk.log" | tail -4 | tr -s ' ' | paste -sd' ')
perf_stop track
sched_report
fi
p99_ratio() { awk -v t="$t_p99" -v n="$n_p99" 'BEGIN { printf "p99 tracking / nginx: %.2f\n", t / n }'; }
if [ "$ONLY" = track ]; then
	printf '%-34s %10s %10s %8s\n' "" "req/s" "p99 ms" "errors"
	printf '%-34s %10.0f %10s %8s\n' "nginx static page (${track_bytes} B)" "$n_rps" "$n_p99" "$n_err"
	printf '%-34s %10.0f %10s %8s\n' "watiqa tracking page (POST /track)" "$t_rps" "$t_p99" "$t_err"
	awk -v n="$n_rps" -v t="$t_rps" 'BEGIN { printf "ratio tracking / nginx: %.3f\n", t / n }'
	p99_ratio
	echo "tracking latency percentiles:$t_pct"
	echo "server CPU per request: tracking page ${t_cpu} us"
	echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after the run"
	exit 0
fi
before=$(sqlite3 "$WQ_DB" "select count(*) from requests")
perf_start order
# bytes the server sent to the disk (its WAL appends, its checkpoints' copies): a count
# that load does not move, per order below
io_before=$(awk '$1 == "write_bytes:" {print $2}' "/proc/$WQ_SERVE_PID/io")
ticks=$(server_ticks)
# the order run as the loopback saw it too (root only: a capture needs CAP_NET_RAW)
cap=""
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null; then
	tcpdump -i lo -s 200 -B 65536 -w "$T/order.pcap" "tcp port $WQ_HTTP_PORT" 2>/dev/null &
	cap=$!
	sleep 1 # until it listens
fi
read -r o_rps o_p99 o_err < <(run_wrk -s "$T/order.lua" "$WQ_URL/order/confirm")
if [ -n "$cap" ]; then
	sleep 0.5
	kill "$cap"
	wait "$cap" 2>/dev/null || true
fi
o_cpu=$(cpu_per_request "$ticks")
perf_stop order
io_after=$(awk '$1 == "write_bytes:" {print $2}' "/proc/$WQ_SERVE_PID/io")
after=$(sqlite3 "$WQ_DB" "select count(*) from requests")
# what the orders cost the disk: the WAL left behind, and the group commit's own counts,
# logged as the server stops (it stops here: the disk's floor below runs beside nothing)
wal_kb=$(du -k "$WQ_DB-wal" 2>/dev/null | cut -f1)
kill -TERM "$WQ_SERVE_PID"
for i in $(seq 100); do kill -0 "$WQ_SERVE_PID" 2>/dev/null || break; sleep 0.1; done
# (a build that logs no count, an older one run for "before", prints the line without it)
group_line=$(grep -o '[0-9]* jobs in [0-9]* groups, .* WAL restarts' "$T/serve.log" | tail -1 || true)
printf '%-34s %10s %10s %8s\n' "" "req/s" "p99 ms" "errors"
if [ "$ONLY" != order ]; then
	printf '%-34s %10.0f %10s %8s\n' "nginx static page (${track_bytes} B)" "$n_rps" "$n_p99" "$n_err"
	printf '%-34s %10.0f %10s %8s\n' "watiqa tracking page (POST /track)" "$t_rps" "$t_p99" "$t_err"
fi
printf '%-34s %10.0f %10s %8s\n' "watiqa order submission" "$o_rps" "$o_p99" "$o_err"
if [ "$ONLY" != order ]; then
	awk -v n="$n_rps" -v t="$t_rps" -v o="$o_rps" 'BEGIN {
		printf "ratio tracking / nginx: %.3f   order / nginx: %.3f\n", t / n, o / n }'
	p99_ratio
	echo "tracking latency percentiles:$t_pct"
fi
echo "orders created during the run: $((after - before))"
awk -v b="$((io_after - io_before))" -v n="$((after - before))" 'BEGIN {
	printf "server wrote to disk: %.0f MB, %.1f KiB per order\n", b / 1e6, b / 1024 / n }'
echo "group commit: ${group_line:-no count logged}; WAL left ${wal_kb:-?} KiB"
echo "server CPU per request:$([ "$ONLY" = order ] || echo " tracking page ${t_cpu} us,") order ${o_cpu} us"
# The disk's floor, from one writer on the same disk, after the order run: a bare
# fdatasync of a 4 KiB append (what any acknowledged write pays at least), and one-row
# WAL + synchronous=FULL SQLite commits (BEGIN IMMEDIATE; INSERT; COMMIT), each timed:
# their p50/p99 say what an order acknowledged after its fsync can reach on this disk
read -r f_p50 f_p99 c_rps c_p50 c_p99 < <(python3 - "$T/commits.db" "$SECS" "$T/fsync.dat" <<'PY'
import os, sqlite3, sys, time
def pct(lat, q):
    lat.sort()
    return 1000 * lat[min(len(lat) - 1, len(lat) * q // 100)]
secs = float(sys.argv[2])
fd = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
block, flat = b"x" * 4096, []
start = time.monotonic()
while time.monotonic() - start < min(secs, 5.0):
    os.write(fd, block)
    t0 = time.monotonic()
    os.fdatasync(fd)
    flat.append(time.monotonic() - t0)
os.close(fd)
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=FULL")
c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
n, lat = 0, []
start = time.monotonic()
while time.monotonic() - start < secs:
    t0 = time.monotonic()
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO t (v) VALUES ('x')")
    c.execute("COMMIT")
    lat.append(time.monotonic() - t0)
    n += 1
rate = n / (time.monotonic() - start)
print(pct(flat, 50), pct(flat, 99), rate, pct(lat, 50), pct(lat, 99))
PY
)
printf '%-34s %10.0f %10.2f %8s\n' "sqlite one-row commits (WAL+FULL)" "$c_rps" "$c_p99" "-"
awk -v o="$o_rps" -v c="$c_rps" 'BEGIN { printf "ratio order / sqlite commits: %.3f\n", o / c }'
grep -A4 'Latency Distribution' "$T/wrk.log" | tail -4 | tr -s ' ' | paste -sd' ' |
	sed 's/^/order latency percentiles:/'
grep '^order latency p99.9' "$T/wrk.log" | tail -1
# wrk's percentiles of the order run, in ms
o_pct() { grep -A4 'Latency Distribution' "$T/wrk.log" | tail -4 | awk -v q="$1" '$1 == q {
	v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)}
	else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}'; }
o_p50=$(o_pct 50%)
# figures side by side, never a verdict: the disk's floor moves with the machine
printf '%-34s %10s %10s\n' "latency (ms)" "p50" "p99"
printf '%-34s %10.2f %10.2f\n' "disk floor: fdatasync 4 KiB" "$f_p50" "$f_p99"
printf '%-34s %10.2f %10.2f\n' "disk floor: sqlite commit alone" "$c_p50" "$c_p99"
printf '%-34s %10.2f %10.2f\n' "order submission (-c$CONN)" "${o_p50:-0}" "$o_p99"
if [ -s "$T/order.pcap" ]; then
	read -r w_p50 w_p99 w_p999 w_max w_over w_n < <(python3 "$ROOT/bench/wire_latency.py" "$T/order.pcap")
	printf '%-34s %10.2f %10.2f\n' "order submission on the wire" "$w_p50" "$w_p99"
	echo "order latency on the wire (tcpdump on lo, $w_n requests): p99.9 $w_p999 ms, max $w_max ms, $w_over over 20 ms"
fi
awk -v o="$o_p99" -v c="$c_p99" -v f="$f_p99" 'BEGIN {
	printf "ratio order p99 / commit p99: %.2f   order p99 / fdatasync p99: %.2f\n", o / c, o / f }'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after the run"
