#!/usr/bin/env bash
# Issue 12, hole 6, IPv6: a subscriber holds a whole /64, so every limit counts a /64 as
# one source.  In a private network namespace (unshare: nothing of the host's network is
# touched) loopback gets 70 addresses of 2001:db8:1:2::/64, one of 2001:db8:1:3::/64,
# 36 of 2001:db8:1:4::/64 and 65 of 2001:db8:1:5::/64; serve listens on ::.  With
# http_rate_per_minute = 40, 40 requests from 40 addresses of the first /64 pass and the
# 41st, from a 41st address, gets 429 while the other /64 is served; wrong secret codes
# for as many numbers from as many addresses of one /64 (the :4:, whose rate is its own)
# are held back as one source after 30; 64 idle connections from 64 addresses of a /64
# (the :5:) are all it may hold, the 65th is closed at once while the other /64 still
# connects.  Each part from a /64 of its own: no part waits for the next minute's window.
if [ -z "${WQ_IN_NETNS:-}" ]; then
	unshare -rn true 2>/dev/null || { echo "ok - SKIP: no network namespace (unshare -rn)"; exit 0; }
	exec env WQ_IN_NETNS=1 unshare -rn bash "$0" "$@"
fi
ip link set lo up
for i in $(seq 1 70); do ip -6 addr add "2001:db8:1:2::$(printf %x "$i")/64" dev lo nodad; done
ip -6 addr add 2001:db8:1:3::1/64 dev lo nodad
for i in $(seq 1 36); do ip -6 addr add "2001:db8:1:4::$(printf %x "$i")/64" dev lo nodad; done
for i in $(seq 1 65); do ip -6 addr add "2001:db8:1:5::$(printf %x "$i")/64" dev lo nodad; done
source "$(dirname "$0")/lib.sh"
export WATIQA_HTTP_RATE=40
wq_start_server --bind ::
source "$(dirname "$0")/web_lib.sh"
U6="http://[2001:db8:1:2::1]:$WQ_HTTP_PORT"
from() { printf '2001:db8:1:%s::%x' "$1" "$2"; }
get6() { # SUBNET N PATH -> status
	curl -s -o /dev/null -w '%{http_code}' --interface "$(from "$1" "$2")" "$U6$3"
}

# ---- the request rate ----
wq_same_minute 15 # the 41 requests (~2 s) in one window
for i in $(seq 1 40); do
	st=$(get6 2 "$i" /track)
	[ "$st" = 200 ] || fail "request $i from $(from 2 "$i") answered $st"
done
[ "$(get6 2 41 /track)" = 429 ] || fail "a 41st address of the same /64 was not held back"
[ "$(get6 3 1 /track)" = 200 ] || fail "the other /64 was held back too"
ok "rate 40/min: 40 addresses of 2001:db8:1:2::/64 served, the 41st refused (429); 2001:db8:1:3::1 served"

# ---- wrong secret codes: a new number and a new address each time ----
n=0 st=404
while [ "$st" != 429 ] && [ "$n" -lt 36 ]; do
	n=$((n + 1))
	st=$(curl -s -o /dev/null -w '%{http_code}' --interface "$(from 4 "$n")" \
		--data-urlencode "tracking=$(web_tracking_of "$(printf '3%08d' "$n")")" \
		--data-urlencode "secret=K7M4-9QXT-2HPB" "$U6/track")
done
[ "$st" = 429 ] || fail "$n wrong codes from one /64 never held back"
[ "$n" = 31 ] || fail "held back after $n wrong codes, not 31"
src=$(web_sql "select source || ' ' || sum(count) from anon_failures where action='secret.wrong' group by source")
[ "$src" = "2001:db8:1:4::/64 30" ] || fail "counted as '$src', not 30 for the /64"
ok "wrong codes for 30 numbers from 30 addresses of one /64: the 31st held back (429), counted as one source ($src)"
[ "$(curl -s -o /dev/null -w '%{http_code}' --interface "$(from 3 1)" --data-urlencode "tracking=$(web_tracking_of 399999999)" \
	--data-urlencode "secret=K7M4-9QXT-2HPB" "$U6/track")" = 404 ] || fail "the other /64 held back too"
ok "the other /64 still gets its answer (404)"

# ---- connections ----
python3 - "$WQ_HTTP_PORT" <<'PY' || fail "connections per /64"
import socket, sys, time
port = int(sys.argv[1])
def conn(src):
    s = socket.socket(socket.AF_INET6)
    s.bind((src, 0))
    s.connect(("2001:db8:1:2::1", port))
    s.send(b"GET /track HTTP/1.1\r\nHost: x\r\n")   # a request left half-sent
    return s
held = [conn("2001:db8:1:5::%x" % i) for i in range(1, 65)]
time.sleep(0.5)
extra = conn("2001:db8:1:5::41")          # the 65th, from a 65th address
extra.settimeout(3)
try:
    closed = extra.recv(100) == b""
except (ConnectionResetError, socket.timeout) as e:
    closed = not isinstance(e, socket.timeout)
other = socket.create_connection(("2001:db8:1:2::1", port), source_address=("2001:db8:1:3::1", 0))
other.send(b"GET /track HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
other.settimeout(5)
answer = other.recv(20)
alive = sum(1 for s in held if s.fileno() >= 0)
print("65th closed:", closed, "other /64:", answer[:12])
sys.exit(0 if closed and answer.startswith(b"HTTP/1.1 200") else 1)
PY
ok "64 held connections from 64 addresses of one /64: the 65th closed at once; the other /64 served"
