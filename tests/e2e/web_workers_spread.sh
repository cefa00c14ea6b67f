#!/usr/bin/env bash
# The web side's connections are spread evenly over libmicrohttpd's workers: one thread
# accepts and hands each to the next worker (http_accept.c).  Before, every worker
# accepted from the shared socket, up to 11 in a row at a wake-up, and the 32
# connections wrk opens at once landed 22/7/3 on three workers (bench/README.md
# sections 26 and 30).  Here 4 workers, 16 connections opened together and held: each
# worker's epoll (read from /proc, as the kernel sees it) holds 2 to 6 of them, and all
# 16 are answered on their own connection, twice (keep-alive).
source "$(dirname "$0")/lib.sh"
export WATIQA_HTTP_THREADS=4
wq_start_server
source "$(dirname "$0")/web_lib.sh"

PYTHONPATH="$WQ_ROOT/tests/e2e" python3 - "$WQ_HTTP_PORT" "$WQ_SERVE_PID" >"$T/spread.out" <<'PY' || fail "$(cat "$T/spread.out")"
import os, socket, sys
from http_answer import read_answer
port, pid = int(sys.argv[1]), sys.argv[2]
conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(16)]
def ask(c):
    c.sendall(b"GET /?lang=fr HTTP/1.1\r\nHost: x\r\n\r\n")
    return read_answer(c) or b""
for round in (1, 2):
    for i, c in enumerate(conns):
        status = ask(c)
        if b" 200 " not in status:
            print(f"connection {i}, request {round}: {status!r}")
            sys.exit(1)
# each worker's epoll: its wake-up descriptor and its connections
held = []
for fd in os.listdir(f"/proc/{pid}/fd"):
    if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:[eventpoll]":
        with open(f"/proc/{pid}/fdinfo/{fd}") as f:
            held.append(sum(1 for l in f if l.startswith("tfd:")) - 1)
print(" ".join(map(str, sorted(held))))
if len(held) != 4 or sum(held) != 16 or max(held) > 6 or min(held) < 2:
    print("not spread")
    sys.exit(1)
PY
ok "16 connections opened together, answered twice each, held by 4 workers as $(head -1 "$T/spread.out")"
