#!/usr/bin/env python3
"""abuse_slowloris.py - a slowloris client for tests/e2e/abuse_web.sh (stdlib only).

Opens CONNS connections to 127.0.0.1:PORT from SRC (a loopback address), each sending a
request's headers one byte per second and never finishing them, for at most MAX_SECONDS.
Meanwhile a normal client, from NORMAL_SRC, fetches PATH every 0.25 s and times each
answer.  Prints one line of key=value:
  opened      connections the server accepted (a first byte was sent)
  refused     connections refused or reset before the first byte
  turned_away connections the server closed within 2 s (over its per-address limit)
  cut         connections the server closed later, while headers were still coming
  cut_min_s, cut_max_s   how long those lived, in seconds
  alive       connections still open at the end (the server never cut them)
  normal_ok, normal_bad, normal_ms_median, normal_ms_max  the normal client's answers
Loopback only; bounded in count (CONNS <= 1000) and time (MAX_SECONDS <= 60).
"""
import selectors
import socket
import statistics
import sys
import time

port, conns, max_s = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
src, normal_src, path = sys.argv[4], sys.argv[5], sys.argv[6]
assert conns <= 1000 and max_s <= 60

request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\nX-a: " + b"b" * 4096

sel = selectors.DefaultSelector()
slow = {}  # socket -> [opened_at, bytes_sent]
refused = cut = turned_away = 0
cut_min, cut_max = 1e9, 0.0
start = time.monotonic()
for _ in range(conns):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(request[:1])
    except OSError:
        refused += 1
        s.close()
        continue
    s.setblocking(False)
    slow[s] = [time.monotonic(), 1]
    sel.register(s, selectors.EVENT_READ)
opened = len(slow)


def normal_get():
    """One plain GET from normal_src; (ok, milliseconds)."""
    t0 = time.monotonic()
    try:
        c = socket.socket()
        c.bind((normal_src, 0))
        c.settimeout(5)
        c.connect(("127.0.0.1", port))
        c.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Connection: close\r\n\r\n")
        data = b""
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
        c.close()
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, (time.monotonic() - t0) * 1000


normal_ms, normal_bad = [], 0
next_byte = start + 1
next_normal = start
while slow and time.monotonic() - start < max_s:
    now = time.monotonic()
    if now >= next_normal:
        ok, ms = normal_get()
        if ok:
            normal_ms.append(ms)
        else:
            normal_bad += 1
        next_normal = now + 0.25
    if now >= next_byte:
        for s, st in list(slow.items()):
            try:
                s.send(request[st[1] % len(request):][:1])
                st[1] += 1
            except OSError:
                pass  # noticed below as a close
        next_byte += 1
    for key, _ in sel.select(timeout=0.05):
        s = key.fileobj
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:  # closed (or reset) by the server
            lived = time.monotonic() - slow[s][0]
            if lived < 2:
                turned_away += 1
            else:
                cut += 1
                cut_min, cut_max = min(cut_min, lived), max(cut_max, lived)
            sel.unregister(s)
            s.close()
            del slow[s]
alive = len(slow)
for s in slow:
    s.close()
med = statistics.median(normal_ms) if normal_ms else -1
print("opened=%d refused=%d turned_away=%d cut=%d cut_min_s=%.1f cut_max_s=%.1f alive=%d "
      "normal_ok=%d normal_bad=%d normal_ms_median=%.1f normal_ms_max=%.1f"
      % (opened, refused, turned_away, cut, cut_min if cut else 0, cut_max, alive,
         len(normal_ms), normal_bad, med,
         max(normal_ms) if normal_ms else -1))
