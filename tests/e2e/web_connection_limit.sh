#!/usr/bin/env bash
# The web side's connection limit (http_max_connections) holds with connections dealt by
# http_accept.c's thread: while libmicrohttpd holds the limit, the thread accepts
# nothing more, and a further client waits in the kernel's backlog (its connect
# succeeds, its request is not read) until one of the held connections closes; then it
# is answered.  Nothing is refused or dropped on the way.  Here a limit of 4: four
# keep-alive connections answered once and held, a fifth's request unanswered for 2 s,
# then answered within 10 s of one of the four closing.
source "$(dirname "$0")/lib.sh"
export WATIQA_HTTP_MAX_CONNECTIONS=4
wq_start_server
source "$(dirname "$0")/web_lib.sh"

PYTHONPATH="$WQ_ROOT/tests/e2e" python3 - "$WQ_HTTP_PORT" >"$T/limit.out" <<'PY' || fail "$(cat "$T/limit.out")"
import socket, sys
from http_answer import read_answer
port = int(sys.argv[1])
REQ = b"GET /?lang=fr HTTP/1.1\r\nHost: x\r\n\r\n"
held = []
for i in range(4):
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(REQ)
    status = read_answer(c)
    if not status or b" 200 " not in status:
        print(f"held connection {i}: {status!r}")
        sys.exit(1)
    held.append(c)
fifth = socket.create_connection(("127.0.0.1", port), timeout=10)
fifth.sendall(REQ)
fifth.settimeout(2)
try:
    got = fifth.recv(65536)
    print(f"a fifth connection was served past the limit of 4: {got[:40]!r}")
    sys.exit(1)
except socket.timeout:
    pass
held.pop().close()
fifth.settimeout(10)
status = read_answer(fifth)
if not status or b" 200 " not in status:
    print(f"the fifth connection, after one of the four closed: {status!r}")
    sys.exit(1)
print("ok")
PY
ok "limit 4: a fifth connection waited while four were held, and was answered once one closed"
